package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.kernel.Kernel;

/**
 * Process calls the kernel refuses: each fails with the errno Linux gives (do_mmap,
 * __get_unmapped_area, __vm_munmap, do_mprotect_pkey, brk) and leaves every /proc view, the page
 * tables and the process side's bookkeeping exactly as they were, because every check runs before
 * the first change.
 */
final class RefusedCallsTest {
  private static final int RW = Prot.READ | Prot.WRITE;
  private static final long PAGE = 4096;

  @TempDir static Path tmp;

  /** A machine with two processes, a heap, a written private area, a file mapping and a fork. */
  private static final class World {
    final Kernel kernel;
    final Processes p;
    final long anon;
    final Path file;

    /** What the views showed before the refused call, when the call set something up first. */
    final Map<String, String> views = new LinkedHashMap<>();

    World() throws Exception {
      kernel =
          Kernel.builder()
              .set("memory.size", "64M")
              .set("object-allocator", "none")
              .set("virtual-allocator", "none")
              .set("swap.memory", "8M")
              .boot();
      p = kernel.processes();
      p.setReporter(line -> {});
      p.spawn(1);
      p.brk(1, 3 * PAGE);
      anon = p.mmap(1, 8 * PAGE, RW, null, 0, false, -1, false);
      p.write(1, 0, anon, new byte[] {1, 2, 3});
      file = tmp.resolve("data-" + System.nanoTime());
      Files.write(file, new byte[3 * (int) PAGE]);
      long f = p.mmap(1, 3 * PAGE, Prot.READ, file, 0, false, -1, false);
      p.read(1, 0, f, 1);
      p.fork(1, 2);
    }

    Map<String, String> views() {
      Map<String, String> v = new LinkedHashMap<>();
      for (String name : kernel.procNames()) {
        v.put(name, kernel.proc(name));
      }
      return v;
    }
  }

  private static Arguments refused(String name, String errno, Consumer<World> call) {
    return Arguments.of(name, errno, call);
  }

  static Stream<Arguments> calls() {
    long top = KernelLayout.TASK_SIZE_MAX;
    return Stream.of(
        refused(
            "mmap at a direct-map address",
            "ENOMEM",
            w -> w.p.mmap(1, PAGE, RW, null, 0, false, 0xffff888000000000L, false)),
        refused(
            "mmap at a non-canonical address",
            "ENOMEM",
            w -> w.p.mmap(1, PAGE, RW, null, 0, false, 0x0000800000000000L, false)),
        refused(
            "mmap at the last page of the address space",
            "ENOMEM",
            w -> w.p.mmap(1, PAGE, RW, null, 0, false, 0xfffffffffffff000L, false)),
        refused(
            "mmap reaching past the top of user space",
            "ENOMEM",
            w -> w.p.mmap(1, 2 * PAGE, RW, null, 0, false, top - PAGE, false)),
        refused(
            "mmap at an unaligned address",
            "EINVAL",
            w -> w.p.mmap(1, PAGE, RW, null, 0, false, 0x10000001L, false)),
        refused(
            "mmap below vm.mmap_min_addr",
            "EPERM",
            w -> w.p.mmap(1, PAGE, RW, null, 0, false, 0x1000L, false)),
        refused(
            "mmap of a length larger than user space",
            "ENOMEM",
            w -> w.p.mmap(1, Long.MAX_VALUE, RW, null, 0, false, -1, false)),
        refused(
            "mmap of a length larger than the free room",
            "ENOMEM",
            w -> w.p.mmap(1, top - 0x20000L, RW, null, 0, false, -1, false)),
        refused(
            "mmap of length zero", "EINVAL", w -> w.p.mmap(1, 0, RW, null, 0, false, -1, false)),
        refused(
            "mmap of a file at an offset that overflows",
            "EOVERFLOW",
            w ->
                w.p.mmap(
                    1, 2 * PAGE, Prot.READ, w.file, Long.MAX_VALUE & ~0xfffL, false, -1, false)),
        refused(
            "munmap of a range that wraps", "EINVAL", w -> w.p.munmap(1, w.anon, Long.MAX_VALUE)),
        refused("munmap at a kernel address", "EINVAL", w -> w.p.munmap(1, -PAGE, PAGE)),
        refused(
            "mprotect of a range that wraps",
            "EINVAL",
            w -> w.p.mprotect(1, w.anon, Long.MAX_VALUE - 10, Prot.READ)),
        refused(
            "mprotect of a partly unmapped range",
            "ENOMEM",
            w -> w.p.mprotect(1, w.anon, 64 * PAGE, Prot.READ)),
        refused("brk of a huge size", "ENOMEM", w -> w.p.brk(1, 0x7fffffffffffffffL)),
        refused("brk past the top of user space", "ENOMEM", w -> w.p.brk(1, top)),
        refused("brk of a negative size", "EINVAL", w -> w.p.brk(1, -1)),
        refused(
            "brk into the area mapped above the heap",
            "ENOMEM",
            w -> {
              long above = 0x555555559000L + 64 * PAGE;
              w.p.mmap(2, PAGE, RW, null, 0, false, above, false);
              w.views.putAll(w.views());
              w.p.brk(2, 128 * PAGE);
            }),
        refused("munmap at an unaligned address", "EINVAL", w -> w.p.munmap(1, w.anon + 1, PAGE)),
        refused(
            "mprotect at an unaligned address",
            "EINVAL",
            w -> w.p.mprotect(1, w.anon + 1, PAGE, Prot.READ)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calls")
  void refusedCall_failsWithTheKernelsErrno_andChangesNothing(
      String name, String errno, Consumer<World> call) throws Exception {
    World w = new World();
    w.views.putAll(w.views());

    assertThatThrownBy(() -> call.accept(w))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(" + errno + ")");

    assertThat(w.views()).isEqualTo(w.views);
    w.p.checkInvariants();
    assertThat(w.p.read(1, 0, w.anon, 3)).containsExactly(1, 2, 3);
    assertThat(w.p.read(2, 0, w.anon, 3)).containsExactly(1, 2, 3);
  }
}
