package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.stat.VmEvent;

/** Processes on the real parts (buddy, x86_64, demand): isolation, copy-on-write, teardown. */
final class ProcessesTest {
  private static final int RW = Prot.READ | Prot.WRITE;

  private Kernel kernel;
  private Processes p;
  private final List<String> reports = new ArrayList<>();

  @TempDir Path tmp;

  @BeforeEach
  void boot() {
    kernel =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("object-allocator", "none")
            .set("virtual-allocator", "none")
            .boot();
    p = kernel.processes();
    p.setReporter(reports::add);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String readString(int pid, long addr, int len) {
    byte[] b = p.read(pid, 0, addr, len);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  /** Every frame mapped writable by a user PTE of each live process, by pid. */
  private Map<Long, Integer> writableAnonFrames() {
    Map<Long, Integer> owners = new HashMap<>();
    PageTable pt = kernel.pageTable();
    for (Task t : p.live()) {
      for (VmAreaStruct v : t.mm.areas()) {
        pt.walkRange(
            t.mm.root(),
            v.start(),
            v.end(),
            (linear, pte) -> {
              if (Pte.present(pte) && (pte & Pte.RW) != 0 && v.anonymous()) {
                Integer prev = owners.put(Pte.pfn(pte), t.pid());
                assertThat(prev)
                    .as("frame %x writable in two address spaces", Pte.pfn(pte))
                    .isNull();
              }
            });
      }
    }
    return owners;
  }

  // ------------------------------------------------------------------ security properties

  @Test
  void isolation_aProcessCannotReachAnothersFrames() {
    p.spawn(1);
    long a = p.mmap(1, 8192, RW, null, 0, false, -1, false);
    p.write(1, 0, a, bytes("secret"));
    p.spawn(2);
    long b = p.mmap(2, 8192, RW, null, 0, false, a, false);

    assertThat(b).isEqualTo(a);
    assertThat(p.read(2, 0, a, 6)).containsOnly(0);
    assertThat(readString(1, a, 6)).isEqualTo("secret");
    writableAnonFrames();
  }

  @Test
  void userAccessToKernelAddress_faultsWithTheUserBit() {
    p.spawn(1);
    assertThat(p.read(1, 0, KernelLayout.PAGE_OFFSET, 1)).isNull();
    assertThat(reports)
        .singleElement()
        .asString()
        .isEqualTo("pid 1: SIGSEGV at 0xffff888000000000 SEGV_MAPERR err_code=0x5");
  }

  @Test
  void writeToReadOnly_andFetchFromNx_fault() {
    p.spawn(1);
    long ro = p.mmap(1, 4096, Prot.READ, null, 0, false, -1, false);
    assertThat(p.write(1, 0, ro, new byte[] {1})).isFalse();
    p.spawn(2);
    long nx = p.mmap(2, 4096, RW, null, 0, false, -1, false);
    assertThat(p.write(2, 0, nx, new byte[] {(byte) 0xc3})).isTrue();
    assertThat(p.exec(2, 0, nx)).isFalse();

    assertThat(reports)
        .containsExactly(
            String.format("pid 1: SIGSEGV at 0x%x SEGV_ACCERR err_code=0x6", ro),
            String.format("pid 2: SIGSEGV at 0x%x SEGV_ACCERR err_code=0x15", nx));
  }

  @Test
  void aFrameHandedToAProcess_readsAsZerosWhateverItsOwnerWrote() {
    p.spawn(1);
    long a = p.mmap(1, 1 << 20, RW, null, 0, false, -1, false);
    byte[] junk = new byte[Page.PAGE_SIZE];
    java.util.Arrays.fill(junk, (byte) 0xa5);
    for (int i = 0; i < 256; i++) {
      p.write(1, 0, a + ((long) i << 12), junk);
    }
    p.exit(1);
    kernel.pageAllocator().drainAllPages();
    p.spawn(2);
    long b = p.mmap(2, 1 << 20, RW, null, 0, false, -1, false);
    for (int i = 0; i < 256; i++) {
      p.write(2, 0, b + ((long) i << 12), new byte[] {1});
      assertThat(p.read(2, 0, b + ((long) i << 12) + 1, 4095)).containsOnly(0);
    }
  }

  // ------------------------------------------------------------------ copy-on-write

  @Test
  void fork_neitherSideSeesTheOthersLaterWrites_beforeAndAfterCow() {
    p.spawn(1);
    long a = p.mmap(1, 3 * 4096, RW, null, 0, false, -1, false);
    p.write(1, 0, a, bytes("secret"));
    p.write(1, 0, a + 4096, bytes("shared"));
    p.fork(1, 2);
    writableAnonFrames();

    assertThat(readString(2, a, 6)).isEqualTo("secret");
    p.write(2, 0, a, bytes("child!"));
    assertThat(readString(1, a, 6)).isEqualTo("secret");
    p.write(1, 0, a, bytes("parent"));
    assertThat(readString(2, a, 6)).isEqualTo("child!");
    assertThat(readString(1, a, 6)).isEqualTo("parent");
    // the second page is still shared read-only: both read it, neither can see a later write
    assertThat(readString(1, a + 4096, 6)).isEqualTo("shared");
    assertThat(readString(2, a + 4096, 6)).isEqualTo("shared");
    p.write(1, 0, a + 4096, bytes("mine!!"));
    assertThat(readString(2, a + 4096, 6)).isEqualTo("shared");
    writableAnonFrames();
  }

  @Test
  void cow_lastSharerReusesThePage_withoutCopying() {
    p.spawn(1);
    long a = p.mmap(1, 4096, RW, null, 0, false, -1, false);
    p.write(1, 0, a, bytes("x"));
    long pfn = Pte.pfn(kernel.pageTable().readPte(p.task(1).mm.root(), a));
    p.fork(1, 2);
    p.exit(2);

    p.write(1, 0, a, bytes("y"));

    assertThat(Pte.pfn(kernel.pageTable().readPte(p.task(1).mm.root(), a))).isEqualTo(pfn);
  }

  // ------------------------------------------------------------------ teardown

  @Test
  void exit_leavesNoFrameBehind() {
    kernel.pageAllocator().drainAllPages();
    long before = kernel.pageAllocator().nrFreePages();
    p.spawn(1);
    long a = p.mmap(1, 4 << 20, RW, null, 0, false, -1, false);
    for (int i = 0; i < 1024; i += 3) {
      p.write(1, 0, a + ((long) i << 12), new byte[] {7});
    }
    p.fork(1, 2);
    p.write(2, 0, a, new byte[] {8});
    p.brk(1, 1 << 20);
    p.write(1, 0, Processes.START_BRK, new byte[] {9});

    p.exit(2);
    p.exit(1);
    kernel.pageAllocator().drainAllPages();

    assertThat(kernel.pageAllocator().nrFreePages()).isEqualTo(before);
    assertThat(kernel.pageTable().tablePages()).isEqualTo(kernel.pageTable().kernelTablePages());
  }

  @Test
  void munmap_freesTheFramesAndEmptyTables() {
    p.spawn(1);
    kernel.pageAllocator().drainAllPages();
    long before = kernel.pageAllocator().nrFreePages();
    long tables = kernel.pageTable().tablePages(p.task(1).mm.root());
    long a = p.mmap(1, 64 << 10, RW, null, 0, false, 0x40000000L, true);
    assertThat(kernel.pageAllocator().nrFreePages()).isLessThan(before);

    p.munmap(1, a, 64 << 10);
    kernel.pageAllocator().drainAllPages();

    assertThat(kernel.pageAllocator().nrFreePages()).isEqualTo(before);
    assertThat(kernel.pageTable().tablePages(p.task(1).mm.root())).isEqualTo(tables);
  }

  // ------------------------------------------------------------------ files and faults

  @Test
  void sharedFileMapping_writesReachTheSimulatedFileAtMunmap_andTwoProcessesShareOneFrame()
      throws Exception {
    Path f = tmp.resolve("data.bin");
    Files.write(f, new byte[8192]);
    p.spawn(1);
    p.spawn(2);
    long a = p.mmap(1, 8192, RW, f, 0, true, -1, false);
    long b = p.mmap(2, 8192, Prot.READ, f, 0, true, -1, false);
    p.write(1, 0, a + 4096, bytes("hello"));

    assertThat(readString(2, b + 4096, 5)).isEqualTo("hello");
    p.munmap(1, a, 8192);
    p.munmap(2, b, 8192);
    assertThat(p.diskFiles().pagesWritten()).isEqualTo(1);
    assertThat(Files.readAllBytes(f))
        .as("files.writeback=false: the host file")
        .isEqualTo(new byte[8192]);
    long c = p.mmap(2, 8192, Prot.READ, f, 0, false, -1, false);
    assertThat(readString(2, c + 4096, 5)).as("a later mapping in the run").isEqualTo("hello");
  }

  @Test
  void sharedFileMapping_withWriteBack_writesTheHostFileAtMunmap() throws Exception {
    p.setDiskFiles(new DiskFiles(true));
    Path f = tmp.resolve("data.bin");
    Files.write(f, new byte[8192]);
    p.spawn(1);
    long a = p.mmap(1, 8192, RW, f, 0, true, -1, false);
    p.write(1, 0, a + 4096, bytes("hello"));

    p.munmap(1, a, 8192);

    byte[] disk = Files.readAllBytes(f);
    assertThat(new String(disk, 4096, 5, StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(p.diskFiles().pagesWrittenToHost()).isEqualTo(1);
  }

  @Test
  void sharedWritableMapping_ofAFileTheUserCannotWrite_failsWithEacces_andChangesNothing()
      throws Exception {
    p.setDiskFiles(new DiskFiles(false, path -> false));
    Path f = tmp.resolve("readonly.bin");
    Files.write(f, bytes("read only"));
    p.spawn(1);
    String maps = kernel.proc("1/maps");

    assertThatThrownBy(() -> p.mmap(1, 4096, RW, f, 0, true, -1, false))
        .hasMessageContaining("(EACCES)")
        .hasMessageContaining(f.toString());
    assertThat(kernel.proc("1/maps")).isEqualTo(maps);

    long ro = p.mmap(1, 4096, Prot.READ, f, 0, true, -1, false);
    String withRo = kernel.proc("1/maps");
    assertThatThrownBy(() -> p.mprotect(1, ro, 4096, RW)).hasMessageContaining("(EACCES)");
    assertThat(kernel.proc("1/maps")).isEqualTo(withRo);
    p.mprotect(1, ro, 4096, Prot.READ | Prot.EXEC);

    // a private mapping never writes the file: it may be writable (copy-on-write)
    long priv = p.mmap(1, 4096, RW, f, 0, false, -1, false);
    p.write(1, 0, priv, bytes("mine"));
    assertThat(readString(1, priv, 9)).isEqualTo("mine only");
    assertThat(readString(1, ro, 9)).isEqualTo("read only");
    p.checkInvariants();
  }

  @Test
  void writeBackFailure_duringMunmap_stillUnmapsTheWholeArea_andReportsEio() throws Exception {
    p.setDiskFiles(new DiskFiles(true));
    Path f = tmp.resolve("goes-away.bin");
    Files.write(f, new byte[3 * 4096]);
    p.spawn(1);
    long a = p.mmap(1, 3 * 4096, RW, f, 0, true, -1, false);
    for (int i = 0; i < 3; i++) {
      p.write(1, 0, a + i * 4096L, bytes("page" + i));
    }
    // the host file is replaced by a directory: every write-back of it fails
    Files.delete(f);
    Files.createDirectory(f);

    p.munmap(1, a, 3 * 4096);

    assertThat(p.areas(1)).noneMatch(v -> v.start() < a + 3 * 4096 && v.end() > a);
    assertThat(p.diskFiles().hostWriteErrors()).isEqualTo(3);
    assertThat(reports).hasSize(3).allMatch(r -> r.contains("(EIO)") && r.contains(f.toString()));
    assertThat(p.mappedFilePages()).isZero();
    p.checkInvariants();
  }

  @Test
  void privateFileMapping_readsTheFile_writesStayPrivate() throws Exception {
    Path f = tmp.resolve("text.txt");
    Files.writeString(f, "original");
    p.spawn(1);
    long a = p.mmap(1, 4096, RW, f, 0, false, -1, false);

    assertThat(readString(1, a, 8)).isEqualTo("original");
    assertThat(kernel.events().get(VmEvent.PGMAJFAULT)).isEqualTo(1);
    p.write(1, 0, a, bytes("changed!"));
    p.exit(1);
    assertThat(Files.readString(f)).isEqualTo("original");
  }

  @Test
  void sharedAnonymousMemory_isSharedAcrossFork() {
    p.spawn(1);
    long a = p.mmap(1, 8192, RW, null, 0, true, -1, false);
    p.fork(1, 2);
    p.write(2, 0, a + 4096, bytes("ping"));
    assertThat(readString(1, a + 4096, 4)).isEqualTo("ping");
    p.exit(2);
    assertThat(readString(1, a + 4096, 4)).isEqualTo("ping");
  }

  @Test
  void zeroPage_readsShareOneFrame_untilWritten() {
    p.spawn(1);
    long a = p.mmap(1, 8 * 4096, Prot.READ | Prot.WRITE, null, 0, false, -1, false);
    kernel.pageAllocator().drainAllPages();
    long free = kernel.pageAllocator().nrFreePages();
    long tables = kernel.pageTable().tablePages();
    for (int i = 0; i < 8; i++) {
      assertThat(p.read(1, 0, a + i * 4096L, 1)).containsExactly(0);
    }
    long root = p.task(1).mm.root();
    assertThat(Pte.pfn(kernel.pageTable().readPte(root, a))).isEqualTo(kernel.zeroPfn());
    assertThat(Pte.pfn(kernel.pageTable().readPte(root, a + 4096))).isEqualTo(kernel.zeroPfn());
    kernel.pageAllocator().drainAllPages();
    long tablesTaken = kernel.pageTable().tablePages() - tables;
    assertThat(tablesTaken).isEqualTo(3);
    assertThat(kernel.pageAllocator().nrFreePages())
        .as("only page tables were taken")
        .isEqualTo(free - tablesTaken);
    p.write(1, 0, a, new byte[] {1});
    assertThat(Pte.pfn(kernel.pageTable().readPte(root, a))).isNotEqualTo(kernel.zeroPfn());
  }

  @Test
  void maps_inTheKernelsFormat() {
    p.spawn(7);
    p.mmap(7, 16384, RW, null, 0, false, 0x7f0000000000L, false);
    p.brk(7, 8192);

    assertThat(kernel.proc("7/maps"))
        .isEqualTo(
            "555555559000-55555555b000 rw-p 00000000 00:00 0                          [heap]\n"
                + "7f0000000000-7f0000004000 rw-p 00000000 00:00 0 \n"
                + "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n");
  }

  @Test
  void mprotect_thenWrite_faultsWithAccerr_andTheProcessDies() {
    p.spawn(1);
    long a = p.mmap(1, 8192, RW, null, 0, false, -1, false);
    p.write(1, 0, a, new byte[] {1});
    p.mprotect(1, a, 4096, Prot.READ);

    assertThat(p.write(1, 0, a + 4096, new byte[] {2})).isTrue();
    assertThat(p.write(1, 0, a, new byte[] {3})).isFalse();
    assertThat(reports).singleElement().asString().contains("SEGV_ACCERR err_code=0x7");
    assertThatThrownBy(() -> p.task(1)).hasMessageContaining("is dead");
  }

  @Test
  void kernelModeAccess_toAnUnmappedAddress_isAnOops() {
    assertThatThrownBy(() -> p.kernelAccess(0, 0xffffc90000000000L, new byte[1], Access.READ))
        .isInstanceOf(KernelOopsException.class)
        .hasMessageContaining("BUG: unable to handle page fault for address: ffffc90000000000")
        .hasMessageContaining("#PF: supervisor read access in kernel mode")
        .hasMessageContaining("#PF: error_code(0x0000) - not-present page");
  }

  @Test
  void oom_killsTheBiggestProcess_andOthersRunOn() {
    p.spawn(2);
    long s = p.mmap(2, 65536, RW, null, 0, false, -1, false);
    p.write(2, 0, s, new byte[] {2});
    p.spawn(1);
    p.mmap(1, 512L << 20, RW, null, 0, false, -1, true);

    assertThat(p.isAlive(1)).isFalse();
    assertThat(p.isAlive(2)).isTrue();
    assertThat(reports).anyMatch(r -> r.startsWith("Out of memory: Killed process 1 (proc1)"));
    assertThat(kernel.events().get(VmEvent.OOM_KILL)).isEqualTo(1);
    assertThat(p.read(2, 0, s, 1)).containsExactly(2);
  }
}
