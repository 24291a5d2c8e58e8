package io.mmsim.vmalloc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.BadPageException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.spi.VirtualAllocatorContext;
import io.mmsim.api.trace.Tracer;
import io.mmsim.api.trace.VmallocEvents;
import io.mmsim.api.vmalloc.VirtualAllocator;
import io.mmsim.api.vmalloc.VmArea;

/*
 * vmalloc: virtually contiguous kernel areas built from scattered order-0 pages.
 *
 * One area (struct vmap_area + struct vm_struct in Linux):
 *
 *   start                                                      start + size
 *    |  page 0  |  page 1  |  ...  | page n-1 |  guard page  |
 *    |<-------------- mapped: PAGE_KERNEL PTEs --------->|<- PTE 0 ->|
 *       pfns[0]    pfns[1]           pfns[n-1]
 *
 * Algorithm (vmalloc of `size` bytes, n = size rounded up to pages)
 *   1. Refuse size 0 and sizes above the machine's managed pages (the kernel's
 *      "exceeds total pages" check); refuse n beyond what a Java array can index.
 *   2. Reserve n + 1 pages of address space, lowest address first (KvaSpace). If none is free,
 *      purge the lazily freed ranges and try once more (alloc_vmap_area's overflow path).
 *   3. The page array: the kernel keeps `struct page *pages[n]` in kmalloc memory up to one page
 *      and in a nested vmalloc area above that (8 * n > PAGE_SIZE, the " vpages" flag). mmsim
 *      keeps the PFNs in a Java array either way, and for n > 512 also makes the nested area
 *      (zeroed, same caller, its own row in vmallocinfo, counted in VmallocUsed) so that the
 *      address space, the page counts and /proc/vmallocinfo look as they do in Linux. The small
 *      kmalloc'ed arrays are not charged to any object allocator.
 *   4. Allocate n order-0 pages one at a time from the page allocator (each may come from
 *      anywhere: the area is physically scattered), zero them through PhysicalMemory when
 *      __GFP_ZERO is set, and write one PTE per page into the kernel page table.
 *   5. Any failure in 2-4 undoes everything: written PTEs cleared, pages freed, the nested area
 *      undone, the range given straight back to the free space (not lazily: Linux vfree()s the
 *      half-built area, which parks it as lazy; mmsim promises an unchanged state instead), and
 *      the page tables the call created freed again. Linux keeps such tables (vmalloc never frees
 *      kernel page tables); mmsim frees them so that a failed call leaves every /proc view as it
 *      was. Before mapping, each 2 MiB slot of the range whose page table is missing is logged;
 *      the undo frees the empty tables of exactly those slots (freeEmptyTables through the kernel
 *      root), so tables that existed before the call, empty or not, stay.
 *
 * vfree / vunmap
 *   - The PTEs are cleared at once and the pages go back to the page allocator at once; the
 *     address range is parked lazily ("unpurged vm_area") without a TLB flush. When the parked
 *     ranges exceed lazy_max_pages = fls(cpus) * (32 MiB / PAGE_SIZE) pages, all of them are
 *     purged together: one TLB shootdown pass over the pages they had mapped, then they return to
 *     the free space. With the `lazy` setting off, every free flushes and releases at once.
 *   - vfree of a vmap area only unmaps (a vmap area owns no pages: nr_pages is 0 in Linux);
 *     vunmap of a vmalloc area unmaps and leaks the pages and page array, as Linux does (they
 *     stay allocated and counted in VmallocUsed; statistics show them as leaked_pages).
 *
 * PTE of every mapped page: PAGE_KERNEL = P | RW | A | D | G | NX, user bit clear. The kernel
 * presets Accessed and Dirty on kernel mappings so that the CPU never has to write them back.
 *
 * Invariants (checkInvariants): busy areas, free and lazy ranges are disjoint, page-aligned and
 * tile [base, limit) exactly; every mapped page's PTE is exactly PAGE_KERNEL with its recorded
 * frame and every guard and lazily freed page's PTE is 0; no frame belongs to two vmalloc areas;
 * page arrays link both ways; usedPages equals the pages of live vmalloc areas plus leaked ones;
 * the lazy pages never exceed the threshold.
 *
 * Kernel sources to look up: mm/vmalloc.c (__vmalloc_node_range, __vmalloc_area_node,
 * vm_area_alloc_pages, vfree, vunmap, remove_vm_area, vmap, free_vmap_area_noflush,
 * lazy_max_pages, vmalloc_info_show), arch/x86/include/asm/pgtable_types.h (__PAGE_KERNEL).
 */

/**
 * The vmalloc allocator over a page allocator and the kernel page table. Single-threaded: one
 * kernel, serialised by its facade.
 */
final class Vmalloc implements VirtualAllocator {
  /** PTE flags of a vmalloc mapping ({@code PAGE_KERNEL} on x86-64). */
  static final long PAGE_KERNEL =
      Pte.PRESENT | Pte.RW | Pte.ACCESSED | Pte.DIRTY | Pte.GLOBAL | Pte.NX;

  /** Bytes per page-array entry ({@code sizeof(struct page *)}). */
  static final int PAGE_ARRAY_ENTRY = 8;

  /** Bytes one page table maps (a PMD entry's span): 2 MiB. */
  static final long PMD_SIZE = 1L << 21;

  /** Lazily freed pages allowed per online CPU bit before a purge: 32 MiB of pages. */
  static final long LAZY_PAGES_PER_FLS = (32L << 20) >>> Page.PAGE_SHIFT;

  /** The most pages one area may hold here (a Java array of PFNs). */
  static final long MAX_AREA_PAGES = Integer.MAX_VALUE - 16;

  /**
   * GFP bits a nested page-array allocation keeps ({@code GFP_RECLAIM_MASK}: reclaim, I/O, FS,
   * warning and retry behaviour, reserves; no zone bits).
   */
  private static final int GFP_RECLAIM_MASK =
      Gfp.RECLAIM
          | Gfp.HIGH
          | Gfp.IO
          | Gfp.FS
          | Gfp.NOWARN
          | Gfp.NOFAIL
          | Gfp.NORETRY
          | Gfp.MEMALLOC
          | Gfp.NOMEMALLOC;

  private final VirtualAllocatorContext ctx;
  private final PageAllocator pageAllocator;
  private final PhysicalMemory memory;
  private final PageTable pageTable;
  private final Logger log;
  private final KvaSpace kva;
  private final long totalBytes;
  private final boolean lazy;
  private final long lazyMaxPages;
  private final Tracer trace;
  private final long vstart;
  private final long vend;

  /** Live areas by start address. */
  private final TreeMap<Long, Area> busy = new TreeMap<>();

  /**
   * The ranges, as pairs {@code start, end}, whose page table the current vmalloc or vmap call
   * found missing before it mapped them: what its undo frees.
   */
  private long[] newTables = new long[8];

  private int newTableRanges;

  private long usedPages;
  private long leakedPages;
  private long vmallocCalls;
  private long vmallocFailures;
  private long vmapCalls;
  private long vmapFailures;
  private long vfreeCalls;
  private long vunmapCalls;
  private long purges;
  private long flushedPages;

  /**
   * An allocator over {@code [base, limit)} (page-aligned) reporting {@code totalBytes} as
   * VmallocTotal; {@code lazy} parks freed ranges until more than {@code lazyMaxPages} pages wait.
   */
  Vmalloc(
      VirtualAllocatorContext ctx,
      long base,
      long limit,
      long totalBytes,
      boolean lazy,
      long lazyMaxPages) {
    if (ctx.pageTable() == null) {
      throw new IllegalArgumentException("vmalloc needs page tables: the context has none");
    }
    if (lazyMaxPages < 0) {
      throw new IllegalArgumentException("lazyMaxPages " + lazyMaxPages + " is negative");
    }
    this.ctx = ctx;
    this.pageAllocator = ctx.pageAllocator();
    this.memory = ctx.memory();
    this.pageTable = ctx.pageTable();
    this.log = LoggerFactory.getLogger(ctx.loggerName());
    this.kva = new KvaSpace(base, limit);
    this.totalBytes = totalBytes;
    this.lazy = lazy;
    this.lazyMaxPages = lazyMaxPages;
    this.trace = ctx.tracer();
    this.vstart = base;
    this.vend = base + totalBytes; // what the kernel passes: VMALLOC_END itself
  }

  /** The kernel's lazy threshold for {@code cpus} online CPUs ({@code lazy_max_pages()}). */
  static long lazyMaxPages(int cpus) {
    return (64 - Long.numberOfLeadingZeros(cpus)) * LAZY_PAGES_PER_FLS;
  }

  @Override
  public String name() {
    return VmallocProvider.NAME;
  }

  // ------------------------------------------------------------------------------ allocation

  @Override
  public long vmalloc(int cpu, long size, int gfp) {
    checkCpu(cpu);
    vmallocCalls++;
    newTableRanges = 0;
    long addr = vmallocNode(cpu, size, gfp, callerName());
    if (addr == 0) {
      freeNewTables();
      vmallocFailures++;
    }
    return addr;
  }

  /** Steps 1-5 of the class comment; returns 0 with everything undone on failure. */
  private long vmallocNode(int cpu, long size, int gfp, String caller) {
    if (size <= 0
        || size > Long.MAX_VALUE - Page.PAGE_SIZE
        || (size >>> Page.PAGE_SHIFT) > pageAllocator.managedPages()) {
      log.debug("vmalloc error: size {}, exceeds total pages", size);
      return 0;
    }
    long nr = Page.pagesFor(size);
    if (nr > MAX_AREA_PAGES) {
      log.debug("vmalloc error: size {}, more pages than mmsim indexes in one area", size);
      return 0;
    }
    int n = (int) nr;
    long areaSize = (nr + 1) << Page.PAGE_SHIFT;
    long start = reserve(areaSize);
    if (start == KvaSpace.NO_SPACE) {
      log.debug(
          "vmap allocation for size {} failed: use vmalloc=<size> to increase size", areaSize);
      return 0;
    }
    long arrayArea = 0;
    long arrayBytes = nr * PAGE_ARRAY_ENTRY;
    if (arrayBytes > Page.PAGE_SIZE) {
      arrayArea = vmallocNode(cpu, arrayBytes, (gfp & GFP_RECLAIM_MASK) | Gfp.ZERO, caller);
      if (arrayArea == 0) {
        log.debug(
            "vmalloc error: size {}, failed to allocated page array size {}",
            nr << Page.PAGE_SHIFT,
            arrayBytes);
        kva.release(start, start + areaSize);
        return 0;
      }
    }
    long[] pfns = new long[n];
    int got = allocFrames(cpu, gfp & ~Gfp.ZERO, pfns);
    if (got < n) {
      log.debug(
          "vmalloc error: size {}, page order 0, failed to allocate pages", nr << Page.PAGE_SHIFT);
      freeFrames(cpu, pfns, got);
      undoNested(cpu, arrayArea);
      kva.release(start, start + areaSize);
      return 0;
    }
    if ((gfp & Gfp.ZERO) != 0) {
      for (int i = 0; i < n; i++) {
        memory.zeroPage(pfns[i]);
      }
    }
    int mapped = map(start, pfns, n);
    if (mapped < n) {
      log.debug("vmalloc error: size {}, failed to map pages", nr << Page.PAGE_SHIFT);
      clearPtes(start, mapped);
      freeFrames(cpu, pfns, n);
      undoNested(cpu, arrayArea);
      kva.release(start, start + areaSize);
      return 0;
    }
    Area a = new Area(start, areaSize, pfns, true, caller);
    if (arrayArea != 0) {
      a.arrayArea = arrayArea;
      busy.get(arrayArea).arrayOwner = start;
    }
    busy.put(start, a);
    usedPages += n;
    return start;
  }

  @Override
  public long vmap(long[] pfns, int count) {
    if (count < 0 || count > pfns.length) {
      throw new IllegalArgumentException(
          "vmap of " + count + " frames from an array of " + pfns.length);
    }
    for (int i = 0; i < count; i++) {
      if (pfns[i] < 0 || pfns[i] >= memory.frames()) {
        throw new BadPageException(
            pfns[i], 0, "vmap of a frame beyond the end of memory (entry " + i + ")");
      }
    }
    vmapCalls++;
    if (count == 0 || count > pageAllocator.managedPages()) {
      vmapFailures++;
      return 0;
    }
    long areaSize = ((long) count + 1) << Page.PAGE_SHIFT;
    long start = reserve(areaSize);
    if (start == KvaSpace.NO_SPACE) {
      vmapFailures++;
      return 0;
    }
    long[] frames = Arrays.copyOf(pfns, count);
    newTableRanges = 0;
    int mapped = map(start, frames, count);
    if (mapped < count) {
      clearPtes(start, mapped);
      freeNewTables();
      kva.release(start, start + areaSize);
      vmapFailures++;
      return 0;
    }
    busy.put(start, new Area(start, areaSize, frames, false, callerName()));
    return start;
  }

  // ------------------------------------------------------------------------------ freeing

  @Override
  public void vfree(int cpu, long addr) {
    if (addr == 0) {
      return;
    }
    checkCpu(cpu);
    Area a = findForRemoval(addr, "vfree");
    vfreeCalls++;
    freeArea(cpu, a);
  }

  /**
   * Removes a checked area, then frees its pages (none for vmap) and then its page array, which is
   * a vfree of the nested area in turn, as Linux's vfree() ends with kvfree(vm->pages).
   */
  private void freeArea(int cpu, Area a) {
    removeArea(a);
    if (a.vmalloc) {
      freeFrames(cpu, a.pfns, a.pfns.length);
      usedPages -= a.pfns.length;
      if (a.arrayArea != 0) {
        freeArea(cpu, busy.get(a.arrayArea));
      }
    }
  }

  @Override
  public void vunmap(long addr) {
    if (addr == 0) {
      return;
    }
    Area a = findForRemoval(addr, "vunmap");
    vunmapCalls++;
    removeArea(a);
    if (a.vmalloc) {
      leakedPages += a.pfns.length;
      if (a.arrayArea != 0) {
        busy.get(a.arrayArea).arrayOwner = 0;
      }
      log.debug(
          "vunmap of vmalloc area 0x{} leaks its {} pages", Long.toHexString(addr), a.pfns.length);
    }
  }

  /**
   * The live area that starts at {@code addr}, checked the way remove_vm_area() and its callers
   * check; throws before anything changes.
   */
  private Area findForRemoval(long addr, String op) {
    if ((addr & Page.PAGE_OFFSET_MASK) != 0) {
      throw new BadAddressException(
          addr, String.format("Trying to vfree() bad address (0x%x)", addr));
    }
    Area a = busy.get(addr);
    if (a == null) {
      throw new BadAddressException(
          addr, String.format("Trying to %s() nonexistent vm area (0x%x)", op, addr));
    }
    if (a.arrayOwner != 0) {
      throw new BadAddressException(
          addr,
          String.format(
              "Trying to %s() the page array of the vm area at 0x%x (0x%x)",
              op, a.arrayOwner, addr));
    }
    return a;
  }

  /** Unlinks a live area, clears its PTEs and frees its address range (lazily if configured). */
  private void removeArea(Area a) {
    busy.remove(a.start);
    clearPtes(a.start, a.pfns.length);
    long end = a.start + a.size;
    if (!lazy) {
      flushRange(a.start, end);
      kva.release(a.start, end);
      return;
    }
    kva.addLazy(a.start, end);
    if (trace.on()) {
      VmallocEvents.freeVmapAreaNoflush(trace, a.start, kva.lazyPages(), lazyMaxPages);
    }
    if (kva.lazyPages() > lazyMaxPages) {
      purge();
    }
  }

  /**
   * Purges every lazily freed range: one TLB shootdown pass over the pages they mapped (the guard
   * page never had a translation), then back to the free space.
   */
  private void purge() {
    if (kva.lazyRanges() == 0) {
      return;
    }
    long lo = Long.MAX_VALUE;
    long hi = 0;
    int n = 0;
    for (long[] r : kva.lazyList()) {
      flushRange(r[0], r[1]);
      lo = Math.min(lo, r[0]);
      hi = Math.max(hi, r[1]);
      n++;
    }
    kva.purgeLazy();
    purges++;
    if (trace.on()) {
      VmallocEvents.purgeVmapAreaLazy(trace, lo, hi, n);
    }
  }

  /** Shoots down the TLB entries of the mapped pages of the area {@code [start, end)}. */
  private void flushRange(long start, long end) {
    for (long va = start; va < end - Page.PAGE_SIZE; va += Page.PAGE_SIZE) {
      pageTable.flushTlbPage(va);
      flushedPages++;
    }
  }

  // ------------------------------------------------------------------------------ helpers

  private void checkCpu(int cpu) {
    if (cpu < 0 || cpu >= ctx.layout().cpus()) {
      throw new IllegalArgumentException(
          "cpu " + cpu + " is outside [0, " + ctx.layout().cpus() + ")");
    }
  }

  /** Takes address space lowest-first, purging lazily freed ranges once if none is free. */
  private long reserve(long areaSize) {
    long start = kva.allocLowest(areaSize);
    if (start == KvaSpace.NO_SPACE && kva.lazyRanges() > 0) {
      purge();
      start = kva.allocLowest(areaSize);
    }
    if (trace.on()) {
      boolean failed = start == KvaSpace.NO_SPACE;
      VmallocEvents.allocVmapArea(
          trace, failed ? 0 : start, areaSize, Page.PAGE_SIZE, vstart, vend, failed);
    }
    return start;
  }

  /** Allocates order-0 frames into {@code pfns} until done or the allocator fails. */
  private int allocFrames(int cpu, int gfp, long[] pfns) {
    for (int i = 0; i < pfns.length; i++) {
      long pfn = pageAllocator.allocPages(cpu, gfp, 0);
      if (pfn == PageAllocator.NO_PAGE) {
        return i;
      }
      pfns[i] = pfn;
    }
    return pfns.length;
  }

  private void freeFrames(int cpu, long[] pfns, int count) {
    for (int i = 0; i < count; i++) {
      pageAllocator.freePages(cpu, pfns[i], 0);
    }
  }

  /**
   * Undoes a nested page-array area (and its own array, for areas above 1 GiB) made by the current,
   * failing vmalloc: nothing is parked lazily.
   */
  private void undoNested(int cpu, long arrayArea) {
    if (arrayArea == 0) {
      return;
    }
    Area array = busy.remove(arrayArea);
    clearPtes(array.start, array.pfns.length);
    freeFrames(cpu, array.pfns, array.pfns.length);
    usedPages -= array.pfns.length;
    kva.release(array.start, array.start + array.size);
    undoNested(cpu, array.arrayArea);
  }

  /**
   * Writes PAGE_KERNEL PTEs for the frames; returns how many were written before a failure. First
   * logs every 2 MiB slot of the range that has no page table yet (see {@link #freeNewTables}).
   */
  private int map(long start, long[] pfns, int count) {
    long root = pageTable.kernelRoot();
    long end = start + ((long) count << Page.PAGE_SHIFT);
    for (long va = start; va < end; va = (va | (PMD_SIZE - 1)) + 1) {
      if (pageTable.readEntry(root, va, 2) == 0) {
        logNewTable(va, Math.min(end, (va | (PMD_SIZE - 1)) + 1));
      }
    }
    for (int i = 0; i < count; i++) {
      long va = start + ((long) i << Page.PAGE_SHIFT);
      if (!pageTable.writePte(root, va, pageTable.pfnPte(pfns[i], PAGE_KERNEL))) {
        return i;
      }
    }
    return count;
  }

  private void logNewTable(long start, long end) {
    if (2 * newTableRanges + 2 > newTables.length) {
      newTables = Arrays.copyOf(newTables, 2 * newTables.length);
    }
    newTables[2 * newTableRanges] = start;
    newTables[2 * newTableRanges + 1] = end;
    newTableRanges++;
  }

  /**
   * Frees the page tables the failed call created: the empty tables of the slots {@link #map}
   * logged as missing a page table (every PTE the call wrote is cleared by now).
   */
  private void freeNewTables() {
    long root = pageTable.kernelRoot();
    for (int i = 0; i < newTableRanges; i++) {
      pageTable.freeEmptyTables(root, newTables[2 * i], newTables[2 * i + 1]);
    }
    newTableRanges = 0;
  }

  /** Clears the first {@code count} PTEs of an area (the tables exist: nothing is allocated). */
  private void clearPtes(long start, int count) {
    long root = pageTable.kernelRoot();
    for (int i = 0; i < count; i++) {
      boolean ok = pageTable.writePte(root, start + ((long) i << Page.PAGE_SHIFT), 0);
      assert ok : "clearing a PTE needed a new table";
    }
  }

  /** The caller column: the context's caller string, spaces made underscores, or empty. */
  private String callerName() {
    String c = ctx.caller();
    if (c == null || c.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(c.length());
    for (int i = 0; i < c.length(); i++) {
      char ch = c.charAt(i);
      sb.append(Character.isWhitespace(ch) ? '_' : ch);
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------------------ reports

  @Override
  public List<VmArea> areas() {
    List<VmArea> rows = new ArrayList<>(busy.size() + kva.lazyRanges());
    for (Area a : busy.values()) {
      if (a.vmalloc) {
        rows.add(
            new VmArea(
                a.start,
                a.size,
                a.caller,
                a.pfns.length,
                VmArea.VMALLOC,
                a.arrayArea != 0,
                a.pfns.length));
      } else {
        rows.add(new VmArea(a.start, a.size, a.caller, 0, VmArea.VMAP, false, 0));
      }
    }
    for (long[] r : kva.lazyList()) {
      rows.add(new VmArea(r[0], r[1] - r[0], "", 0, VmArea.UNPURGED, false, 0));
    }
    return Collections.unmodifiableList(rows);
  }

  @Override
  public void describeFrames(FrameMap map) {
    for (Area a : busy.values()) {
      if (!a.vmalloc) {
        continue; // a vmap area borrows its frames
      }
      String owner =
          "vmalloc 0x"
              + Long.toHexString(a.start)
              + " ("
              + a.pfns.length
              + (a.pfns.length == 1 ? " page" : " pages")
              + (a.caller == null || a.caller.isEmpty() ? "" : ", " + a.caller)
              + ")";
      for (long pfn : a.pfns) {
        map.mark(pfn, 1, FrameUse.VMALLOC, owner);
      }
    }
  }

  @Override
  public long usedPages() {
    return usedPages;
  }

  @Override
  public long totalBytes() {
    return totalBytes;
  }

  @Override
  public Statistics statistics() {
    long vmallocAreas = 0;
    for (Area a : busy.values()) {
      if (a.vmalloc) {
        vmallocAreas++;
      }
    }
    return Statistics.builder()
        .put("used_pages", usedPages)
        .put("areas", busy.size())
        .put("vmalloc_areas", vmallocAreas)
        .put("vmap_areas", busy.size() - vmallocAreas)
        .put("lazy_areas", kva.lazyRanges())
        .put("lazy_pages", kva.lazyPages())
        .put("lazy_max_pages", lazy ? lazyMaxPages : 0)
        .put("free_ranges", kva.freeRanges())
        .put("free_bytes", kva.freeBytes())
        .put("vmalloc_calls", vmallocCalls)
        .put("vmalloc_failures", vmallocFailures)
        .put("vmap_calls", vmapCalls)
        .put("vmap_failures", vmapFailures)
        .put("vfree_calls", vfreeCalls)
        .put("vunmap_calls", vunmapCalls)
        .put("purges", purges)
        .put("tlb_flushed_pages", flushedPages)
        .put("leaked_pages", leakedPages)
        .build();
  }

  @Override
  public void checkInvariants() {
    kva.checkInvariants();
    // Busy, free and lazy ranges tile the range exactly.
    TreeMap<Long, long[]> all = new TreeMap<>();
    for (Area a : busy.values()) {
      all.put(a.start, new long[] {a.start + a.size, 0});
    }
    for (long[] r : kva.freeList()) {
      putDisjoint(all, r[0], r[1], 1);
    }
    for (long[] r : kva.lazyList()) {
      putDisjoint(all, r[0], r[1], 2);
    }
    long at = kva.base();
    for (Map.Entry<Long, long[]> e : all.entrySet()) {
      if (e.getKey() != at) {
        fail(String.format("gap or overlap at 0x%x: next range starts at 0x%x", at, e.getKey()));
      }
      at = e.getValue()[0];
    }
    if (at != kva.limit()) {
      fail(String.format("ranges end at 0x%x, not at the limit 0x%x", at, kva.limit()));
    }
    // Every area: shape, PTEs, frames, page-array links.
    long root = pageTable.kernelRoot();
    long pages = 0;
    Set<Long> frames = new HashSet<>();
    for (Area a : busy.values()) {
      int n = a.pfns.length;
      if (((a.start | a.size) & Page.PAGE_OFFSET_MASK) != 0
          || n < 1
          || a.size != ((long) n + 1) << Page.PAGE_SHIFT) {
        fail(String.format("area 0x%x: size %d for %d pages", a.start, a.size, n));
      }
      for (int i = 0; i < n; i++) {
        long va = a.start + ((long) i << Page.PAGE_SHIFT);
        long pte = pageTable.readPte(root, va);
        if (pte != pageTable.pfnPte(a.pfns[i], PAGE_KERNEL)) {
          fail(
              String.format(
                  "area 0x%x page %d: PTE 0x%x, expected pfn 0x%x flags 0x%x",
                  a.start, i, pte, a.pfns[i], PAGE_KERNEL));
        }
        if (a.vmalloc && !frames.add(a.pfns[i])) {
          fail(
              String.format(
                  "pfn 0x%x belongs to two vmalloc areas (again in 0x%x)", a.pfns[i], a.start));
        }
      }
      long guard = a.start + a.size - Page.PAGE_SIZE;
      if (pageTable.readPte(root, guard) != 0) {
        fail(String.format("guard page 0x%x of area 0x%x is mapped", guard, a.start));
      }
      if (a.vmalloc) {
        pages += n;
      } else if (a.arrayArea != 0 || a.arrayOwner != 0) {
        fail(String.format("vmap area 0x%x has page-array links", a.start));
      }
      if (a.arrayArea != 0) {
        Area array = busy.get(a.arrayArea);
        long need = Page.pagesFor((long) n * PAGE_ARRAY_ENTRY);
        if (array == null
            || array.arrayOwner != a.start
            || array.pfns.length != need
            || (long) n * PAGE_ARRAY_ENTRY <= Page.PAGE_SIZE) {
          fail(String.format("area 0x%x: bad page array 0x%x", a.start, a.arrayArea));
        }
      } else if ((long) n * PAGE_ARRAY_ENTRY > Page.PAGE_SIZE && a.vmalloc) {
        fail(String.format("area 0x%x of %d pages has no vmalloc'ed page array", a.start, n));
      }
      if (a.arrayOwner != 0) {
        Area owner = busy.get(a.arrayOwner);
        if (owner == null || owner.arrayArea != a.start) {
          fail(
              String.format(
                  "page array 0x%x names owner 0x%x that does not name it", a.start, a.arrayOwner));
        }
      }
    }
    if (pages + leakedPages != usedPages) {
      fail(
          "usedPages "
              + usedPages
              + " but live vmalloc areas hold "
              + pages
              + " and "
              + leakedPages
              + " leaked");
    }
    // Lazily freed ranges are unmapped and bounded.
    for (long[] r : kva.lazyList()) {
      for (long va = r[0]; va < r[1]; va += Page.PAGE_SIZE) {
        if (pageTable.readPte(root, va) != 0) {
          fail(String.format("lazily freed page 0x%x is still mapped", va));
        }
      }
    }
    if (lazy ? kva.lazyPages() > lazyMaxPages : kva.lazyRanges() != 0) {
      fail(
          "lazy pages "
              + kva.lazyPages()
              + " above the threshold "
              + lazyMaxPages
              + (lazy ? "" : " (lazy freeing is off)"));
    }
  }

  private void putDisjoint(TreeMap<Long, long[]> all, long start, long end, int kind) {
    if (all.put(start, new long[] {end, kind}) != null) {
      fail(String.format("range at 0x%x is both busy and free/lazy", start));
    }
  }

  private void fail(String message) {
    throw new AssertionError(
        message
            + String.format(
                " (areas %d, usedPages %d, leaked %d,"
                    + " free ranges %d, lazy ranges %d, lazy pages %d)",
                busy.size(),
                usedPages,
                leakedPages,
                kva.freeRanges(),
                kva.lazyRanges(),
                kva.lazyPages()));
  }

  /** One live area ({@code vmap_area} with its {@code vm_struct}). */
  private static final class Area {
    final long start;

    /** Bytes with the guard page. */
    final long size;

    /** Frames mapped at page 0, 1, ...: owned by a vmalloc area, borrowed by a vmap one. */
    final long[] pfns;

    /** True for vmalloc ({@code VM_ALLOC}), false for vmap ({@code VM_MAP}). */
    final boolean vmalloc;

    final String caller;

    /** Start of the nested area holding this area's page array, or 0. */
    long arrayArea;

    /** For a nested page-array area: the start of the area whose array it holds, or 0. */
    long arrayOwner;

    Area(long start, long size, long[] pfns, boolean vmalloc, String caller) {
      this.start = start;
      this.size = size;
      this.pfns = pfns;
      this.vmalloc = vmalloc;
      this.caller = caller;
    }
  }
}
