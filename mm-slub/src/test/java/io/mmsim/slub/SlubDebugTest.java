package io.mmsim.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.SlabBugException;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.testkit.object.TestMemoryContext;

/**
 * slub_debug in the manner of the kernel's {@code lib/slub_kunit.c}: corrupt memory on purpose
 * through PhysicalMemory, then free, allocate or validate, and check what is reported and that
 * nothing changed.
 */
final class SlubDebugTest {
  private static final String EQ = "=".repeat(77);
  private static final String DASH = "-".repeat(77);

  private TestMemoryContext ctx;
  private SlubAllocator slub;
  private PhysicalMemory mem;

  private void boot(String debug) {
    boot(1, debug);
  }

  private void boot(int cpus, String debug) {
    ctx = Slubs.context(cpus, "debug", debug);
    slub = Slubs.slub(ctx);
    mem = ctx.memory();
  }

  @AfterEach
  void invariants() {
    if (slub != null) {
      slub.checkInvariants();
    }
  }

  private static long pa(long va) {
    return KernelLayout.pa(va);
  }

  private static long bugLines(List<String> report) {
    return report.stream().filter(l -> l.startsWith("BUG ")).count();
  }

  /** Runs a bad call, asserts it threw with {@code reason} and that slabinfo is unchanged. */
  private SlabBugException bug(Runnable call, String cache, String reason) {
    return bug(call, cache, reason, true);
  }

  private SlabBugException bug(Runnable call, String cache, String reason, boolean invariants) {
    List<SlabInfo> before = slub.slabinfo();
    long pages = ctx.pageAllocator().nrFreePages();
    SlabBugException e = catchThrowableOfType(SlabBugException.class, call::run);
    assertThat(e).as("a SlabBugException").isNotNull();
    assertThat(e.getMessage()).isEqualTo("BUG " + cache + " (Not tainted): " + reason);
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.cacheName()).isEqualTo(cache);
    List<String> r = e.report();
    assertThat(r.get(0)).isEqualTo(EQ);
    assertThat(r.get(1)).isEqualTo(e.getMessage());
    assertThat(r.get(2)).isEqualTo(DASH);
    assertThat(r.get(3)).isEmpty();
    assertThat(slub.slabinfo()).isEqualTo(before);
    assertThat(ctx.pageAllocator().nrFreePages()).isEqualTo(pages);
    if (invariants) {
      slub.checkInvariants();
    }
    return e;
  }

  // ================================================================ bytes written by debugging

  @Test
  void fzpu_freshKmalloc_poisonedAndRedZonedAndTracked() {
    boot("FZPU");
    ctx.setCaller("t.trace:1");
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    SlubCache c = (SlubCache) slub.findCache("kmalloc-64");
    assertThat(c.size()).isEqualTo(256);
    assertThat(mem.allEqual(pa(a), 63, (byte) 0x6b)).isTrue();
    assertThat(mem.readByte(pa(a) + 63)).isEqualTo((byte) 0xa5);
    assertThat(mem.allEqual(pa(a) + 64, 8, (byte) 0xcc)).as("right red zone").isTrue();
    assertThat(mem.allEqual(pa(a) - 64, 64, (byte) 0xcc)).as("left red zone").isTrue();
    assertThat(slub.ksize(a)).isEqualTo(64);
    slub.kfree(0, a);
    assertThat(mem.allEqual(pa(a) + 64, 8, (byte) 0xbb)).as("inactive red zone").isTrue();
    assertThat(mem.allEqual(pa(a), 63, (byte) 0x6b)).isTrue();
    long zeroed = slub.kmalloc(0, 64, Gfp.KERNEL | Gfp.ZERO);
    assertThat(mem.allEqual(pa(zeroed), 64, (byte) 0)).isTrue();
    slub.kfree(0, zeroed);
  }

  @Test
  void fzpu_cleanUse_lastByteOfObjectIsNoError() {
    boot("FZPU");
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    mem.writeByte(pa(a) + 63, (byte) 0xff);
    slub.kfree(0, a);
    assertThat(slub.findCache("kmalloc-64").validate()).isEmpty();
  }

  // ================================================================ reports

  @Test
  void doubleFree_fzpu_objectAlreadyFreeWithFullReport() {
    boot("FZPU");
    ctx.setCaller("double-free.trace:1");
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    ctx.setCaller("double-free.trace:2");
    slub.kfree(0, a);
    ctx.setCaller("double-free.trace:3");
    SlabBugException e = bug(() -> slub.kfree(0, a), "kmalloc-64", "Object already free");
    List<String> r = e.report();
    assertThat(r.get(4)).matches("Allocated in double-free\\.trace:1 age=\\d+ cpu=0 pid=0");
    assertThat(r.get(5)).matches("Freed in double-free\\.trace:2 age=\\d+ cpu=0 pid=0");
    assertThat(r.get(6))
        .matches(
            "Slab 0xffffea[0-9a-f]{10} objects=16 used=0 fp=0x"
                + String.format("%016x", a)
                + " flags=0x[0-9a-f]+\\(slab\\|node=0\\|zone=\\d\\)");
    assertThat(r.get(7))
        .isEqualTo(String.format("Object 0x%016x @offset=64 fp=0x%016x", a, a + 256));
    assertThat(r.get(8)).isEmpty();
    assertThat(r).anyMatch(l -> l.startsWith(String.format("Redzone  %016x: bb bb bb", a - 64)));
    assertThat(r)
        .anyMatch(
            l ->
                l.equals(
                    String.format(
                        "Object   %016x: 6b 6b 6b 6b 6b 6b 6b 6b"
                            + " 6b 6b 6b 6b 6b 6b 6b 6b  kkkkkkkkkkkkkkkk",
                        a)));
    assertThat(r)
        .anyMatch(
            l ->
                l.startsWith(
                    String.format(
                        "Object   %016x: 6b 6b 6b 6b 6b 6b 6b"
                            + " 6b 6b 6b 6b 6b 6b 6b 6b a5  kkkkkkkkkkkkkkk.",
                        a + 48)));
    assertThat(r)
        .anyMatch(
            l ->
                l.startsWith(
                    String.format("Redzone  %016x: bb bb bb bb bb bb bb" + " bb", a + 64)));
    assertThat(r).anyMatch(l -> l.startsWith("Padding  "));
    assertThat(r.get(r.size() - 1))
        .isEqualTo(String.format("FIX kmalloc-64: Object at 0x%016x not freed", a));
  }

  @Test
  void doubleFree_noDebug_stillReported() {
    boot("");
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    slub.kfree(0, a);
    bug(() -> slub.kfree(0, a), "kmalloc-64", "Object already free");
  }

  @Test
  void rightRedzone_overwritten_reportedAtFreeWithTheFaultRange() {
    boot("FZPU");
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    mem.writeByte(pa(a) + 64, (byte) 0xff);
    SlabBugException e = bug(() -> slub.kfree(0, a), "kmalloc-64", "Right Redzone overwritten");
    assertThat(e.report().get(4))
        .isEqualTo(
            String.format(
                "0x%016x-0x%016x @offset=128. First byte 0xff instead of 0xcc", a + 64, a + 64));
    // the object is still allocated: repair the byte and the free goes through
    mem.writeByte(pa(a) + 64, (byte) 0xcc);
    slub.kfree(0, a);
  }

  @Test
  void leftRedzone_overwritten_reportedAtFree() {
    boot("FZPU");
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    mem.writeByte(pa(a) - 3, (byte) 0);
    mem.writeByte(pa(a) - 1, (byte) 0);
    SlabBugException e = bug(() -> slub.kfree(0, a), "kmalloc-64", "Left Redzone overwritten");
    assertThat(e.report().get(4))
        .isEqualTo(
            String.format(
                "0x%016x-0x%016x @offset=61. First byte 0x0 instead of 0xcc", a - 3, a - 1));
  }

  @Test
  void kmallocRedzone_writeBeyondTheRequest_reportedAtFree() {
    boot("FZPU");
    long a = slub.kmalloc(0, 60, Gfp.KERNEL);
    assertThat(mem.allEqual(pa(a) + 60, 12, (byte) 0xcc)).isTrue();
    assertThat(mem.readByte(pa(a) + 59)).isEqualTo((byte) 0xa5);
    mem.writeByte(pa(a) + 61, (byte) 0x41);
    bug(() -> slub.kfree(0, a), "kmalloc-64", "kmalloc Redzone overwritten");
  }

  @Test
  void poison_writeAfterFree_reportedWhenTheObjectIsAllocatedAgain() {
    boot("FZPU");
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    long b = slub.kmalloc(0, 64, Gfp.KERNEL);
    slub.kfree(0, a);
    mem.writeByte(pa(a) + 8, (byte) 0);
    SlabBugException e =
        bug(() -> slub.kmalloc(0, 64, Gfp.KERNEL), "kmalloc-64", "Poison overwritten");
    assertThat(e.report().get(4))
        .isEqualTo(
            String.format(
                "0x%016x-0x%016x @offset=72. First byte 0x0 instead of 0x6b", a + 8, a + 8));
    assertThat(e.address()).isEqualTo(a);
    mem.writeByte(pa(a) + 8, (byte) 0x6b);
    assertThat(slub.kmalloc(0, 64, Gfp.KERNEL)).isEqualTo(a);
    slub.kfree(0, a);
    slub.kfree(0, b);
  }

  @Test
  void endPoison_overwritten_reported() {
    boot("FZPU");
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    slub.kfree(0, a);
    mem.writeByte(pa(a) + 63, (byte) 0x6b);
    bug(() -> slub.kmalloc(0, 64, Gfp.KERNEL), "kmalloc-64", "End Poison overwritten");
    assertThat(bugLines(slub.findCache("kmalloc-64").validate())).isEqualTo(1);
  }

  @Test
  void freePointer_corruptedInFreeObject_reportedAtAllocation() {
    boot("FZPU");
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    slub.kfree(0, a);
    // with poisoning the free pointer sits after the right red zone, at inuse = 72
    long fp = mem.readLong(pa(a) + 72);
    mem.writeLong(pa(a) + 72, 0x4141_4141L);
    bug(() -> slub.kmalloc(0, 64, Gfp.KERNEL), "kmalloc-64", "Freepointer corrupt", false);
    mem.writeLong(pa(a) + 72, fp);
    slub.checkInvariants();
    assertThat(slub.kmalloc(0, 64, Gfp.KERNEL)).isEqualTo(a);
  }

  @Test
  void constructor_writingPastTheObject_reportedAndTheNewSlabGivenBack() {
    boot("FZ");
    long free = ctx.pageAllocator().nrFreePages();
    KmemCache c =
        slub.kmemCacheCreate("sloppy", 40, 0, 0, addr -> mem.fill(pa(addr), 44, (byte) 0x77));
    SlabBugException e = catchThrowableOfType(SlabBugException.class, () -> c.alloc(0, Gfp.KERNEL));
    assertThat(e.getMessage()).isEqualTo("BUG sloppy (Not tainted): Right Redzone overwritten");
    assertThat(ctx.pageAllocator().nrFreePages()).isEqualTo(free);
    assertThat(c.info().numSlabs()).isZero();
  }

  @Test
  void objectPadding_overwritten_reportedAtFree() {
    boot("FZPU");
    SlubCache c = (SlubCache) slub.findCache("kmalloc-64");
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    mem.writeByte(pa(a) + c.layout.padStart + 2, (byte) 0x00);
    bug(() -> slub.kfree(0, a), "kmalloc-64", "Object padding overwritten");
  }

  @Test
  void wrongCache_debug_kernelWording() {
    boot("FZPU");
    KmemCache a = slub.kmemCacheCreate("A", 64, 0, 0, null);
    KmemCache b = slub.kmemCacheCreate("B", 64, 0, 0, null);
    long x = a.alloc(0, Gfp.KERNEL);
    SlabBugException e = bug(() -> b.free(0, x), "B", "Wrong slab cache. B but object is from A");
    assertThat(e.report()).contains("kmem_cache_free: Wrong slab cache. B but object is from A");
    a.free(0, x);
  }

  @Test
  void wrongCache_debugReport_trailerOfTheOwningCacheWithExactDumps() {
    boot(2, "FZPU");
    KmemCache b = slub.kmemCacheCreate("B", 64, 0, 0, null);
    ctx.setCaller("w.trace:1");
    long x = slub.kmalloc(1, 64, Gfp.KERNEL);
    // the caller's own bytes: printable 0x20 and 0x7e show, 0x1f and 0x7f print as '.'
    byte[] head = {0x20, 0x7e, 0x7f, 0x1f, 'A', 'B'};
    for (int i = 0; i < head.length; i++) {
      mem.writeByte(pa(x) + i, head[i]);
    }
    SlabBugException e =
        bug(() -> b.free(0, x), "B", "Wrong slab cache. B but object is from kmalloc-64");
    List<String> r = e.report();
    assertThat(r.get(4))
        .isEqualTo("kmem_cache_free: Wrong slab cache. B but object is from kmalloc-64");
    // allocated on CPU 1 at tick 1, nothing since: age 0; never freed, so no Freed line
    assertThat(r.get(5)).isEqualTo("Allocated in w.trace:1 age=0 cpu=1 pid=0");
    assertThat(r.get(6)).startsWith("Slab 0x");
    assertThat(r.get(7)).startsWith(String.format("Object 0x%016x @offset=64 fp=0x", x));
    // kmalloc-64 with FZPU: left red zone 64 bytes (4 rows), object 4 rows, right red zone one
    // word, padding from 80 + 64 + 4 = 148 to the end of the 192 bytes after the pointer: 44
    assertThat(r).filteredOn(l -> l.startsWith("Redzone  ")).hasSize(4 + 1);
    assertThat(r)
        .contains(
            String.format(
                "Object   %016x: 20 7e 7f 1f 41 42 6b 6b 6b 6b 6b 6b 6b 6b 6b 6b   ~..ABkkkkkkkkkk",
                x))
        .contains(
            String.format(
                "Redzone  %016x: cc cc cc cc cc cc cc cc%s", x + 64, " ".repeat(26) + "........"));
    List<String> padding = r.stream().filter(l -> l.startsWith("Padding  ")).toList();
    assertThat(padding).hasSize(3);
    assertThat(padding.get(0)).startsWith(String.format("Padding  %016x: 5a 5a", x + 148));
    assertThat(padding.get(2))
        .isEqualTo(
            String.format(
                "Padding  %016x: %s%sZZZZZZZZZZZZ",
                x + 148 + 32,
                String.join(" ", Collections.nCopies(12, "5a")),
                " ".repeat(49 - 35)));
    slub.kfree(0, x);
  }

  @Test
  void doubleFree_twoCpus_tracksNameCpuAndAge() {
    boot(2, "FZPU");
    ctx.setCaller("t.trace:1");
    long a = slub.kmalloc(1, 64, Gfp.KERNEL);
    ctx.setCaller("t.trace:2");
    long other = slub.kmalloc(0, 64, Gfp.KERNEL);
    ctx.setCaller("t.trace:3");
    slub.kfree(0, a);
    // three tracked events: alloc a (tick 1), alloc other (tick 2), free a (tick 3); the report
    // reads jiffies 3 without a tick of its own
    SlabBugException e = bug(() -> slub.kfree(1, a), "kmalloc-64", "Object already free");
    assertThat(e.report().get(4)).isEqualTo("Allocated in t.trace:1 age=2 cpu=1 pid=0");
    assertThat(e.report().get(5)).isEqualTo("Freed in t.trace:3 age=0 cpu=0 pid=0");
    slub.kfree(0, other);
  }

  @Test
  void doubleFree_multiPageSlab_slabLineNamesTheHeadPage() {
    boot("FZPU");
    long a = slub.kmalloc(0, 4096, Gfp.KERNEL);
    SlubCache c = (SlubCache) slub.findCache("kmalloc-4k");
    assertThat(c.layout.order).isPositive();
    slub.kfree(0, a);
    SlabBugException e = bug(() -> slub.kfree(0, a), "kmalloc-4k", "Object already free");
    String slab =
        e.report().stream().filter(l -> l.startsWith("Slab 0x")).findFirst().orElseThrow();
    Matcher m =
        Pattern.compile(" flags=0x([0-9a-f]+)\\(slab\\|head\\|node=0\\|zone=(\\d)\\)$")
            .matcher(slab);
    assertThat(m.find()).as(slab).isTrue();
    long flags = Long.parseUnsignedLong(m.group(1), 16);
    // PG_slab (0x200) and PG_head (0x40), the zone in the top two bits (page_zonenum)
    assertThat(flags & 0x3fffffffffffffffL).isEqualTo(0x240L);
    assertThat(flags >>> 62).isEqualTo(Long.parseLong(m.group(2)));
  }

  @Test
  void doubleFree_withoutRedZone_bytesBeforeTheObjectDumped() {
    boot("FPU");
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    long b = slub.kmalloc(0, 64, Gfp.KERNEL);
    SlubCache c = (SlubCache) slub.findCache("kmalloc-64");
    assertThat(b - a).isEqualTo(c.size());
    slub.kfree(0, a);
    slub.kfree(0, b);
    // the first object of the slab has nothing before it; the second has the 16 bytes that end
    // the first slot (its tracking and padding)
    SlabBugException first = bug(() -> slub.kfree(0, a), "kmalloc-64", "Object already free");
    assertThat(first.report()).noneMatch(l -> l.startsWith("Bytes b4 "));
    SlabBugException second = bug(() -> slub.kfree(0, b), "kmalloc-64", "Object already free");
    assertThat(second.report())
        .filteredOn(l -> l.startsWith("Bytes b4 "))
        .hasSize(1)
        .allMatch(l -> l.startsWith(String.format("Bytes b4 %016x: ", b - 16)));
    assertThat(second.report()).noneMatch(l -> l.startsWith("Redzone  "));
  }

  @Test
  void destroy_withSeveralObjects_listsEachAllocatedOneOnce() {
    boot("");
    KmemCache c = slub.kmemCacheCreate("busy", 100, 0, SlabFlags.NO_MERGE, null);
    long x0 = c.alloc(0, Gfp.KERNEL);
    long x1 = c.alloc(0, Gfp.KERNEL);
    long x2 = c.alloc(0, Gfp.KERNEL);
    c.free(0, x1);
    SlabBugException e =
        bug(c::destroy, "busy", "Objects remaining in busy on __kmem_cache_shutdown()");
    // 100 bytes round up to 104-byte slots: objects at offsets 0 and 208 remain
    assertThat(e.report())
        .filteredOn(l -> l.startsWith("Object 0x"))
        .containsExactly(
            String.format("Object 0x%016x @offset=0", x0),
            String.format("Object 0x%016x @offset=208", x2));
    assertThat(e.report()).filteredOn(l -> l.startsWith("Slab 0x")).hasSize(1);
    // the struct slab of the frame: vmemmap (0xffffea0000000000) + pfn * sizeof(struct page)
    long pfn = pa(x0) >>> 12;
    assertThat(e.report().get(4))
        .startsWith(
            String.format("Slab 0x%016x objects=39 used=2 ", 0xffffea0000000000L + pfn * 64));
    assertThat(e.address()).isEqualTo(x0);
    c.free(0, x0);
    c.free(0, x2);
    c.destroy();
  }

  @Test
  void debugCache_allocAndFreeCounters_asTheSlowPathsCountThem() {
    boot("F");
    // kmalloc-4k with F alone keeps its plain layout: 8 objects per order-3 slab, min_partial
    // max(5, min(10, ilog2(4096) / 2)) = 6
    SlubCache c = (SlubCache) slub.findCache("kmalloc-4k");
    assertThat(c.layout.objects).isEqualTo(8);
    assertThat(c.minPartial).isEqualTo(6);
    long[] objs = new long[7 * 8];
    for (int i = 0; i < objs.length; i++) {
      objs[i] = slub.kmalloc(0, 4096, Gfp.KERNEL);
    }
    // debug caches allocate one object at a time on the slow path: a new slab, then 7 from it
    assertThat(slub.statistics().get("alloc_slowpath")).isEqualTo(56);
    assertThat(slub.statistics().get("alloc_slab")).isEqualTo(7);
    assertThat(slub.statistics().get("alloc_from_partial")).isEqualTo(49);
    assertThat(slub.statistics().get("alloc_fastpath")).isZero();
    // one free into each of slabs 1-5: five partial slabs
    for (int k = 0; k < 5; k++) {
      slub.kfree(0, objs[k * 8]);
    }
    // slab 7 emptied: its first free makes it the sixth partial slab, its last finds
    // nr_partial 6 >= min_partial and frees it
    for (int i = 6 * 8; i < 7 * 8; i++) {
      slub.kfree(0, objs[i]);
    }
    assertThat(slub.statistics().get("free_slowpath")).isEqualTo(5 + 8);
    assertThat(slub.statistics().get("free_add_partial")).isEqualTo(5 + 1);
    assertThat(slub.statistics().get("free_remove_partial")).isEqualTo(1);
    assertThat(slub.statistics().get("free_slab")).isEqualTo(1);
    assertThat(c.nrPartial()).isEqualTo(5);
    assertThat(c.nrSlabs()).isEqualTo(6);
  }

  @Test
  void invalidPointer_interior_kernelWording() {
    boot("FZPU");
    long a = slub.kmalloc(0, 64, Gfp.KERNEL);
    SlabBugException e =
        bug(
            () -> slub.kfree(0, a + 8),
            "kmalloc-64",
            String.format("Invalid object pointer 0x%016x", a + 8));
    assertThat(e.report().get(4)).startsWith("Slab 0x");
    slub.kfree(0, a);
  }

  @Test
  void destroy_withObjects_objectsRemainingReport() {
    boot("");
    KmemCache c = slub.kmemCacheCreate("busy", 100, 0, SlabFlags.NO_MERGE, null);
    long x = c.alloc(0, Gfp.KERNEL);
    SlabBugException e =
        bug(c::destroy, "busy", "Objects remaining in busy on __kmem_cache_shutdown()");
    assertThat(e.report()).anyMatch(l -> l.equals(String.format("Object 0x%016x @offset=0", x)));
    c.free(0, x);
    c.destroy();
  }

  // ================================================================ validate

  @Test
  void validate_corruptions_oneReportPerBadSlab() {
    boot("FZPU");
    KmemCache c = slub.kmemCacheCreate("val", 100, 0, 0, null);
    SlubCache real = (SlubCache) c;
    int perSlab = real.layout.objects;
    long[] objs = new long[perSlab * 3];
    for (int i = 0; i < objs.length; i++) {
      objs[i] = c.alloc(0, Gfp.KERNEL);
    }
    assertThat(c.validate()).isEmpty();
    c.free(0, objs[1]);
    c.free(0, objs[perSlab + 2]);
    assertThat(c.validate()).isEmpty();
    // slab 0: poison of a free object and the red zone of an allocated one (first fault only)
    mem.writeByte(pa(objs[1]) + 10, (byte) 1);
    mem.writeByte(pa(objs[3]) + 100, (byte) 1);
    // slab 1: red zone of an allocated object
    mem.writeByte(pa(objs[perSlab + 5]) + 101, (byte) 2);
    List<String> report = c.validate();
    assertThat(bugLines(report)).isEqualTo(2);
    assertThat(report)
        .contains(
            "BUG val (Not tainted): Poison overwritten",
            "BUG val (Not tainted): Right Redzone overwritten");
    // validate only reads: the same errors again
    assertThat(c.validate()).isEqualTo(report);
    mem.writeByte(pa(objs[1]) + 10, (byte) 0x6b);
    mem.writeByte(pa(objs[3]) + 100, (byte) 0xcc);
    mem.writeByte(pa(objs[perSlab + 5]) + 101, (byte) 0xcc);
    assertThat(c.validate()).isEmpty();
    for (int i = 0; i < objs.length; i++) {
      if (i != 1 && i != perSlab + 2) {
        c.free(0, objs[i]);
      }
    }
  }

  @Test
  void validate_slabTailPadding_paddingOverwritten() {
    boot("P");
    // 100-byte objects with P: slot 112, 36 per page, 64 bytes of slab padding
    KmemCache c = slub.kmemCacheCreate("pad", 100, 0, 0, null);
    SlubCache real = (SlubCache) c;
    long x = c.alloc(0, Gfp.KERNEL);
    long span = 4096L << real.layout.order;
    long remainder = span % real.size();
    assertThat(remainder).isPositive();
    long slabStart = x - real.layout.redLeftPad;
    mem.writeByte(pa(slabStart) + span - 2, (byte) 0);
    List<String> report = c.validate();
    assertThat(report.get(1))
        .isEqualTo(
            String.format(
                "BUG pad (Not tainted): Padding overwritten." + " 0x%016x-0x%016x @offset=%d",
                slabStart + span - 2, slabStart + span - 2, span - 2));
    assertThat(report).anyMatch(l -> l.startsWith("Padding "));
    c.free(0, x);
  }

  // ================================================================ options

  @Test
  void debugOption_cacheList_onlyNamedCachesDebugged() {
    boot("P,kmalloc-*;U,dent*");
    assertThat(slub.findCache("kmalloc-64").flags() & SlabFlags.POISON).isNotZero();
    KmemCache dentry = slub.kmemCacheCreate("dentry", 192, 0, 0, null);
    KmemCache inode = slub.kmemCacheCreate("inode", 600, 0, 0, null);
    assertThat(dentry.flags() & SlabFlags.DEBUG_FLAGS).isEqualTo(SlabFlags.STORE_USER);
    assertThat(inode.flags() & SlabFlags.DEBUG_FLAGS).isZero();
    // a debug cache is never merged into kmalloc-192
    assertThat(slub.aliases()).doesNotContainKey("dentry");
  }

  @Test
  void debugOption_syntax_parsedAsTheKernelDoes() {
    SlubDebugOptions o = SlubDebugOptions.parse("FZ;-,kmalloc-64;,dentry", "slub.debug");
    assertThat(o.flagsFor("kmalloc-8"))
        .isEqualTo(SlabFlags.CONSISTENCY_CHECKS | SlabFlags.RED_ZONE);
    assertThat(o.flagsFor("kmalloc-64")).isZero();
    assertThat(o.flagsFor("dentry")).isEqualTo(SlubDebugOptions.DEFAULT_FLAGS);
    assertThat(SlubDebugOptions.parse("fzpu", "k").flagsFor("x"))
        .isEqualTo(SlubDebugOptions.DEFAULT_FLAGS);
    assertThat(SlubDebugOptions.parse("", "k").enabled()).isFalse();
    assertThatThrownBy(() -> SlubDebugOptions.parse("A", "slub.debug"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("failslab");
    assertThatThrownBy(() -> SlubDebugOptions.parse("FQ", "slub.debug"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'Q'");
  }

  @Test
  void debugOptionO_metadataWouldRaiseOrder_dropsRedZoneAndTracking() {
    boot("FZPUO");
    // kmalloc-4k with Z and U needs more than a page per object: O drops them
    assertThat(slub.findCache("kmalloc-4k").flags() & (SlabFlags.RED_ZONE | SlabFlags.STORE_USER))
        .isZero();
    assertThat(slub.findCache("kmalloc-64").flags() & SlabFlags.RED_ZONE).isNotZero();
  }

  @Test
  void trace_enabled_allocAndFreeStillWork() {
    boot("T");
    long a = slub.kmalloc(0, 32, Gfp.KERNEL);
    slub.kfree(0, a);
    assertThat(slub.findCache("kmalloc-32").flags() & SlabFlags.TRACE).isNotZero();
  }

  @Test
  void debugCache_fullSlabs_trackedOnTheFullListWithU() {
    boot("U");
    SlubCache c = (SlubCache) slub.findCache("kmalloc-1k");
    int n = c.layout.objects * 3;
    long[] objs = new long[n];
    for (int i = 0; i < n; i++) {
      objs[i] = slub.kmalloc(0, 1000, Gfp.KERNEL);
    }
    assertThat(c.nrSlabs()).isEqualTo(3);
    assertThat(c.nrPartial()).isZero();
    c.checkInvariants();
    for (long o : objs) {
      slub.kfree(0, o);
    }
    slub.shrinkAll();
    assertThat(c.nrSlabs()).isZero();
  }
}
