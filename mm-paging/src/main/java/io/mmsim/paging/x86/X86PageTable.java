package io.mmsim.paging.x86;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.trace.Tracer;

/*
 * x86-64 page tables kept as real bytes in frames from the page allocator.
 *
 * Layout of a linear address (4 levels; with 5 levels a PML5 index in bits 56..48 comes first):
 *
 *   63      48 47     39 38     30 29     21 20     12 11        0
 *  +----------+---------+---------+---------+---------+-----------+
 *  | sign ext | PML4 (4)| PUD (3) | PMD (2) | PTE (1) |  offset   |
 *  +----------+---------+---------+---------+---------+-----------+
 *
 * Each table is one 4 KiB frame of 512 little-endian 8-byte entries (Pte layout). Levels are
 * numbered from the leaf: level L indexes bits 12 + 9(L-1) .. 20 + 9(L-1).
 *
 * Kernel half. Top-level entries 256..511 are shared: at boot the kernel root (swapper_pg_dir)
 * gets the direct map of all RAM at PAGE_OFFSET, built from the largest pages that fit (1 GiB
 * where a whole aligned GiB exists and gbpages is on, else 2 MiB, else 4 KiB), and one
 * second-level table for each top-level slot of the vmalloc range, as Linux's
 * preallocate_vmalloc_pages() does, so vmalloc never creates a top-level entry (X86Init64 builds
 * these once). createAddressSpace copies entries 256..511 of the kernel root (pgd_alloc). Should a
 * kernel mapping elsewhere create a new top-level entry later, it is copied into every live root
 * at once (sync_global_pgds), so the kernel half stays identical in all roots.
 *
 * Accounting. An address space owns its root and every table reachable from its entries 0..255;
 * RootMap holds that count per root, userTables their sum, kernelTables the kernel root plus every
 * kernel-half table. Kernel-half tables below the second level are freed only when asked
 * (freeEmptyTables through the kernel root, to undo a kernel mapping that failed halfway); the
 * second-level ones stay, because every root copies the top-level entries that link them. Tables
 * are linked with _PAGE_TABLE (user half) or _KERNPG_TABLE (kernel half).
 *
 * writePte is all-or-nothing: it first walks to find how many tables are missing, allocates all of
 * them (giving back what it got if one allocation fails), and only then writes entries.
 *
 * Cold views of the same tables live apart: X86PageTableInvariants recounts everything from the
 * entries (checkInvariants), X86PtDump labels the table frames for the frame map (describeFrames).
 *
 * References: arch/x86/mm/init_64.c (kernel_physical_mapping_init, preallocate_vmalloc_pages,
 * sync_global_pgds), arch/x86/mm/pgtable.c (pgd_alloc), mm/memory.c (free_pgtables),
 * Documentation/arch/x86/x86_64/mm.rst, Intel SDM vol. 3 ch. 4.
 *
 * Not thread-safe: one kernel, one thread.
 */
final class X86PageTable implements PageTable {
  static final int ENTRIES = 512;
  static final int INDEX_BITS = 9;
  static final int INDEX_MASK = ENTRIES - 1;

  /** First top-level index of the kernel half. */
  static final int KERNEL_FIRST_INDEX = ENTRIES / 2;

  static final long GIB = 1L << 30;
  static final long MIB2 = 1L << 21;

  private final PhysicalMemory mem;
  private final PageAllocator alloc;
  private final X86Config cfg;
  private final int levels;
  private final int topShift;
  private final int vaBits;
  private final int canonShift;
  private final long pageOffset;
  private final long taskSizeMax;
  private final long supportedMask;
  private final long kernelRoot;
  private final RootMap roots = new RootMap();
  private final X86Mmu[] mmus;

  /** Direct-map leaves by level (1: 4 KiB, 2: 2 MiB, 3: 1 GiB), counted by X86Init64 at boot. */
  final long[] directMap = new long[4];

  private final long[] newTables = new long[5];
  private long kernelTables;
  private long userTables;
  private final Tracer trace;

  /**
   * Changes of the tables' shape made here: a table linked or freed, a huge-page entry written or
   * split, an address space destroyed. What a walk found above the leaf stays true while this is
   * unchanged, so an MMU may restart a faulting access from the leaf (X86Mmu.retryTranslate).
   */
  private long shape;

  /** An empty page table under {@code kernelRoot}; X86Init64 fills the kernel half. */
  X86PageTable(
      PhysicalMemory mem,
      PageAllocator alloc,
      X86Config cfg,
      int cpus,
      long kernelRoot,
      Tracer trace) {
    this.trace = trace;
    this.mem = mem;
    this.alloc = alloc;
    this.cfg = cfg;
    this.levels = cfg.levels();
    this.topShift = shift(levels);
    this.vaBits = topShift + INDEX_BITS;
    this.canonShift = 64 - vaBits;
    this.pageOffset = levels == 5 ? KernelLayout.PAGE_OFFSET_L5 : KernelLayout.PAGE_OFFSET;
    this.taskSizeMax = levels == 5 ? KernelLayout.TASK_SIZE_MAX_L5 : KernelLayout.TASK_SIZE_MAX;
    this.supportedMask = cfg.nx() ? -1L : ~Pte.NX;
    this.kernelRoot = kernelRoot;
    this.kernelTables = 1;
    this.mmus = new X86Mmu[cpus];
  }

  /** The kernel's tracer, which the MMUs report to. */
  Tracer tracer() {
    return trace;
  }

  /** A zeroed frame for a table, or NO_PAGE. */
  static long allocTable(PhysicalMemory mem, PageAllocator alloc) {
    long pfn = alloc.allocPages(0, Gfp.KERNEL | Gfp.ZERO, 0);
    if (pfn != PageAllocator.NO_PAGE) {
      mem.zeroPage(pfn);
    }
    return pfn;
  }

  // ---------------------------------------------------------------- geometry

  /** The bit where the index of {@code level} starts. */
  static int shift(int level) {
    return Page.PAGE_SHIFT + INDEX_BITS * (level - 1);
  }

  int index(long linear, int level) {
    return (int) (linear >>> shift(level)) & INDEX_MASK;
  }

  static boolean isLeaf(long entry, int level) {
    return level == 1 || (level <= 3 && (entry & Pte.PS) != 0);
  }

  @Override
  public int levels() {
    return levels;
  }

  @Override
  public int virtualAddressBits() {
    return vaBits;
  }

  @Override
  public boolean isCanonical(long linear) {
    return (linear << canonShift) >> canonShift == linear;
  }

  @Override
  public long pageOffset() {
    return pageOffset;
  }

  @Override
  public long taskSizeMax() {
    return taskSizeMax;
  }

  @Override
  public long supportedPteMask() {
    return supportedMask;
  }

  @Override
  public long kernelRoot() {
    return kernelRoot;
  }

  X86Config config() {
    return cfg;
  }

  PhysicalMemory memory() {
    return mem;
  }

  // ---------------------------------------------------------------- address spaces

  @Override
  public boolean isRoot(long root) {
    return root == kernelRoot || roots.contains(root);
  }

  @Override
  public long createAddressSpace() {
    long root = allocTable(mem, alloc);
    if (root == PageAllocator.NO_PAGE) {
      return NO_ROOT;
    }
    long src = Page.pfnToPhys(kernelRoot);
    long dst = Page.pfnToPhys(root);
    for (int i = KERNEL_FIRST_INDEX; i < ENTRIES; i++) {
      long e = mem.readLong(src + (long) i * Long.BYTES);
      if (e != 0) {
        mem.writeLong(dst + (long) i * Long.BYTES, e);
      }
    }
    roots.put(root, 1);
    userTables++;
    return root;
  }

  @Override
  public void destroyAddressSpace(long root) {
    if (root == kernelRoot) {
      throw new BadAddressException(
          Page.pfnToPhys(root),
          String.format("destroyAddressSpace: pfn 0x%x is the kernel root (swapper_pg_dir)", root));
    }
    checkRoot(root, "destroyAddressSpace");
    long top = Page.pfnToPhys(root);
    for (int i = 0; i < KERNEL_FIRST_INDEX; i++) {
      long e = mem.readLong(top + (long) i * Long.BYTES);
      if (Pte.present(e)) {
        long mapped = firstLeaf(e & Pte.PFN_MASK, levels - 1, (long) i << topShift);
        if (mapped != -1) {
          throw new BadAddressException(
              mapped,
              String.format(
                  "destroyAddressSpace: 0x%x is still"
                      + " mapped in root pfn 0x%x (entry 0x%x); unmap it first",
                  mapped, root, readPte(root, mapped)));
        }
      }
    }
    long freed = 0;
    for (int i = 0; i < KERNEL_FIRST_INDEX; i++) {
      long e = mem.readLong(top + (long) i * Long.BYTES);
      if (Pte.present(e)) {
        freed += freeSubtree(e & Pte.PFN_MASK, levels - 1);
      }
    }
    long owned = roots.count(root);
    assert owned == freed + 1
        : "root 0x"
            + Long.toHexString(root)
            + " owns "
            + owned
            + " tables, freed "
            + freed
            + " + root";
    alloc.freePages(0, root, 0);
    roots.remove(root);
    userTables -= owned;
    shape++;
    for (X86Mmu m : mmus) {
      if (m != null && m.cr3() == root) {
        m.loadCr3(kernelRoot);
      }
    }
  }

  /** The first address under {@code table} (of {@code level}) with a non-zero leaf, or -1. */
  private long firstLeaf(long table, int level, long base) {
    int shift = shift(level);
    for (int i = 0; i < ENTRIES; i++) {
      long e = mem.readLong(table + (long) i * Long.BYTES);
      if (e == 0) {
        continue;
      }
      long va = base + ((long) i << shift);
      if (isLeaf(e, level) || !Pte.present(e)) {
        return va;
      }
      long found = firstLeaf(e & Pte.PFN_MASK, level - 1, va);
      if (found != -1) {
        return found;
      }
    }
    return -1;
  }

  /** Frees {@code table} of {@code level} and every table below it; returns the frames freed. */
  private long freeSubtree(long table, int level) {
    long freed = 0;
    if (level > 1) {
      for (int i = 0; i < ENTRIES; i++) {
        long e = mem.readLong(table + (long) i * Long.BYTES);
        if (Pte.present(e) && !isLeaf(e, level)) {
          freed += freeSubtree(e & Pte.PFN_MASK, level - 1);
        }
      }
    }
    alloc.freePages(0, Page.physToPfn(table), 0);
    return freed + 1;
  }

  private void checkRoot(long root, String op) {
    if (!isRoot(root)) {
      throw new BadAddressException(
          Page.pfnToPhys(root),
          String.format("%s: pfn 0x%x is not the root of a live address space", op, root));
    }
  }

  private void checkCanonical(long linear, String op) {
    if (!isCanonical(linear)) {
      throw new BadAddressException(
          linear, String.format("%s: 0x%x is not a canonical %d-bit address", op, linear, vaBits));
    }
  }

  // ---------------------------------------------------------------- entries

  @Override
  public long readPte(long root, long linear) {
    checkRoot(root, "readPte");
    checkCanonical(linear, "readPte");
    long table = Page.pfnToPhys(root);
    for (int level = levels; ; level--) {
      long e = mem.readLong(table + ((long) index(linear, level) << 3));
      if (level == 1 || (Pte.present(e) && isLeaf(e, level))) {
        return e;
      }
      if (!Pte.present(e)) {
        return 0;
      }
      table = e & Pte.PFN_MASK;
    }
  }

  @Override
  public long readEntry(long root, long linear, int level) {
    checkRoot(root, "readEntry");
    checkCanonical(linear, "readEntry");
    if (level < 1 || level > levels) {
      throw new IllegalArgumentException(
          "readEntry: level " + level + " is not in [1, " + levels + "]");
    }
    long table = Page.pfnToPhys(root);
    for (int l = levels; ; l--) {
      long e = mem.readLong(table + ((long) index(linear, l) << 3));
      if (l == level) {
        return e;
      }
      if (!Pte.present(e) || isLeaf(e, l)) {
        return 0;
      }
      table = e & Pte.PFN_MASK;
    }
  }

  /** The count of shape changes (see {@link #shape}). */
  long shape() {
    return shape;
  }

  @Override
  public long pteSlot(long root, long linear) {
    checkRoot(root, "pteSlot");
    checkCanonical(linear, "pteSlot");
    return entryAddress(root, linear, 1);
  }

  /** Physical address of the entry for {@code linear} at {@code level}, or -1 when unreachable. */
  long entryAddress(long root, long linear, int level) {
    long table = Page.pfnToPhys(root);
    for (int l = levels; ; l--) {
      long ea = table + ((long) index(linear, l) << 3);
      if (l == level) {
        return ea;
      }
      long e = mem.readLong(ea);
      if (!Pte.present(e) || isLeaf(e, l)) {
        return -1;
      }
      table = e & Pte.PFN_MASK;
    }
  }

  @Override
  public boolean writePte(long root, long linear, long pte) {
    checkRoot(root, "writePte");
    checkCanonical(linear, "writePte");
    return installLeaf(root, linear, 1, pte);
  }

  /**
   * Writes {@code entry} at {@code leafLevel} on the path to {@code linear}, allocating missing
   * tables all-or-nothing.
   */
  boolean installLeaf(long root, long linear, int leafLevel, long entry) {
    if (leafLevel > 1) {
      shape++;
    }
    long table = Page.pfnToPhys(root);
    int level = levels;
    while (level > leafLevel) {
      long e = mem.readLong(table + ((long) index(linear, level) << 3));
      if (!Pte.present(e)) {
        break;
      }
      if (isLeaf(e, level)) {
        throw new BadAddressException(
            linear,
            String.format(
                "writePte: 0x%x lies in a %s page"
                    + " mapped at level %d (entry 0x%x); 4 KiB entries cannot be written inside it",
                linear, level == 3 ? "1 GiB" : "2 MiB", level, e));
      }
      table = e & Pte.PFN_MASK;
      level--;
    }
    int missing = level - leafLevel;
    if (missing > 0 && entry == 0) {
      return true;
    }
    for (int i = 0; i < missing; i++) {
      long t = allocTable(mem, alloc);
      if (t == PageAllocator.NO_PAGE) {
        for (int j = 0; j < i; j++) {
          alloc.freePages(0, newTables[j], 0);
        }
        return false;
      }
      newTables[i] = t;
    }
    boolean kernelHalf = linear < 0;
    long link = kernelHalf ? Pte.KERNPG_TABLE : Pte.PAGE_TABLE;
    boolean newTop = missing > 0 && level == levels;
    if (missing > 0) {
      shape++;
    }
    for (int i = 0; i < missing; i++) {
      mem.writeLong(table + ((long) index(linear, level) << 3), Pte.make(newTables[i], link));
      table = Page.pfnToPhys(newTables[i]);
      level--;
    }
    mem.writeLong(table + ((long) index(linear, leafLevel) << 3), entry);
    if (missing > 0) {
      if (kernelHalf || root == kernelRoot) {
        kernelTables += missing;
      } else {
        roots.add(root, missing);
        userTables += missing;
      }
      if (newTop && kernelHalf) {
        syncKernelTop(root, index(linear, levels));
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- 2 MiB user pages

  @Override
  public boolean hugePmdSupported() {
    return true;
  }

  @Override
  public boolean writeHugePmd(long root, long linear, long entry) {
    checkRoot(root, "writeHugePmd");
    checkCanonical(linear, "writeHugePmd");
    if ((linear & (MIB2 - 1)) != 0) {
      throw new BadAddressException(
          linear, String.format("writeHugePmd: 0x%x is not 2 MiB aligned", linear));
    }
    if (entry != 0 && (!Pte.present(entry) || (entry & Pte.PS) == 0)) {
      throw new IllegalArgumentException(
          String.format("writeHugePmd: entry %016x is not a present huge-page entry", entry));
    }
    shape++;
    long ea = entryAddress(root, linear, 2);
    if (ea >= 0) {
      long e = mem.readLong(ea);
      if (Pte.present(e) && !isLeaf(e, 2)) {
        long table = e & Pte.PFN_MASK;
        if (!tableEmpty(table)) {
          throw new BadAddressException(
              linear,
              String.format("writeHugePmd: the page table at 0x%x still maps 4 KiB pages", linear));
        }
        // an emptied page table gives way to the huge page
        mem.writeLong(ea, 0);
        alloc.freePages(0, Page.physToPfn(table), 0);
        countTables(root, linear, -1);
      }
      if (entry == 0) {
        mem.writeLong(ea, 0);
        return true;
      }
    } else if (entry == 0) {
      return true;
    }
    return installLeaf(root, linear, 2, entry);
  }

  @Override
  public boolean splitHugePmd(long root, long linear) {
    checkRoot(root, "splitHugePmd");
    checkCanonical(linear, "splitHugePmd");
    if ((linear & (MIB2 - 1)) != 0) {
      throw new BadAddressException(
          linear, String.format("splitHugePmd: 0x%x is not 2 MiB aligned", linear));
    }
    long ea = entryAddress(root, linear, 2);
    if (ea < 0) {
      return false;
    }
    long e = mem.readLong(ea);
    if (!Pte.present(e) || !isLeaf(e, 2)) {
      return false;
    }
    long t = allocTable(mem, alloc);
    if (t == PageAllocator.NO_PAGE) {
      return false;
    }
    // bit 12 of a huge entry is PAT; the frame number proper is 512-aligned
    long first = Pte.pfn(e) & ~(long) INDEX_MASK;
    long flags = Pte.flags(e) & ~(Pte.PS | Pte.PAT_LARGE);
    long tp = Page.pfnToPhys(t);
    for (int i = 0; i < ENTRIES; i++) {
      mem.writeLong(tp + ((long) i << 3), Pte.make(first + i, flags));
    }
    mem.writeLong(ea, Pte.make(t, linear < 0 ? Pte.KERNPG_TABLE : Pte.PAGE_TABLE));
    countTables(root, linear, 1);
    shape++;
    return true;
  }

  /** Adds {@code delta} table frames to the count of the half of {@code root} holding linear. */
  void countTables(long root, long linear, long delta) {
    if (linear < 0 || root == kernelRoot) {
      kernelTables += delta;
    } else {
      roots.add(root, delta);
      userTables += delta;
    }
  }

  /** Copies top-level kernel entry {@code i} of {@code from} into every other root. */
  private void syncKernelTop(long from, int i) {
    long off = (long) i * Long.BYTES;
    long e = mem.readLong(Page.pfnToPhys(from) + off);
    mem.writeLong(Page.pfnToPhys(kernelRoot) + off, e);
    for (int s = 0; s < roots.capacity(); s++) {
      long r = roots.rootAt(s);
      if (r != RootMap.EMPTY) {
        mem.writeLong(Page.pfnToPhys(r) + off, e);
      }
    }
  }

  @Override
  public void walkRange(long root, long start, long end, PteVisitor visitor) {
    checkRoot(root, "walkRange");
    if (start == end) {
      return;
    }
    long last = checkRange(start, end, "walkRange");
    walk(Page.pfnToPhys(root), levels, 0, start, last, visitor);
  }

  /** Checks a non-empty {@code [start, end)} ({@code end} 0 means 2^64); returns its last byte. */
  private long checkRange(long start, long end, String op) {
    long last = end - 1;
    checkCanonical(start, op);
    checkCanonical(last, op);
    if ((start < 0) != (last < 0) || Long.compareUnsigned(start, last) > 0) {
      throw new BadAddressException(
          start,
          String.format(
              "%s: [0x%x, 0x%x) is not a range within" + " one half of the address space",
              op, start, end));
    }
    return last;
  }

  private void walk(long table, int level, long base, long start, long last, PteVisitor v) {
    int shift = shift(level);
    int lo;
    int hi;
    if (level == levels) {
      lo = index(start, level);
      hi = index(last, level);
    } else {
      long tableLast = base + ((long) ENTRIES << shift) - 1;
      lo = Long.compareUnsigned(start, base) > 0 ? index(start, level) : 0;
      hi = Long.compareUnsigned(last, tableLast) < 0 ? index(last, level) : INDEX_MASK;
    }
    for (int i = lo; i <= hi; i++) {
      long e = mem.readLong(table + ((long) i << 3));
      if (e == 0) {
        continue;
      }
      long va = level == levels ? signExtend((long) i << shift) : base + ((long) i << shift);
      if (isLeaf(e, level)) {
        if (Long.compareUnsigned(va, start) >= 0) {
          v.visit(va, e);
        }
      } else if (Pte.present(e)) {
        walk(e & Pte.PFN_MASK, level - 1, va, start, last, v);
      }
    }
  }

  private long signExtend(long linear) {
    return (linear << canonShift) >> canonShift;
  }

  @Override
  public long freeEmptyTables(long root, long start, long end) {
    checkRoot(root, "freeEmptyTables");
    if (start == end) {
      return 0;
    }
    long last = checkRange(start, end, "freeEmptyTables");
    long freed;
    if (start < 0) {
      if (root != kernelRoot) {
        throw new BadAddressException(
            start,
            String.format(
                "freeEmptyTables: 0x%x is in the kernel half, shared by every address space:"
                    + " free its tables through the kernel root",
                start));
      }
      freed = pruneKernel(start, last);
    } else {
      freed = pruneTable(Page.pfnToPhys(root), levels, 0, start, last);
    }
    if (freed > 0) {
      shape++;
      if (root == kernelRoot) {
        kernelTables -= freed;
      } else {
        roots.add(root, -freed);
        userTables -= freed;
      }
    }
    return freed;
  }

  /**
   * Frees the empty kernel-half tables under the second-level tables of {@code [start, last]}: the
   * second-level tables stay, since every root copies the top-level entries that link them.
   */
  private long pruneKernel(long start, long last) {
    long top = Page.pfnToPhys(kernelRoot);
    long freed = 0;
    for (int i = index(start, levels); i <= index(last, levels); i++) {
      long e = mem.readLong(top + ((long) i << 3));
      if (Pte.present(e) && !isLeaf(e, levels)) {
        long base = signExtend((long) i << topShift);
        freed += pruneTable(e & Pte.PFN_MASK, levels - 1, base, start, last);
      }
    }
    return freed;
  }

  /** Frees the empty tables below {@code table} that cover part of the range. */
  private long pruneTable(long table, int level, long base, long start, long last) {
    int shift = shift(level);
    int lo;
    int hi;
    if (level == levels) {
      lo = index(start, level);
      hi = index(last, level);
    } else {
      long tableLast = base + ((long) ENTRIES << shift) - 1;
      lo = Long.compareUnsigned(start, base) > 0 ? index(start, level) : 0;
      hi = Long.compareUnsigned(last, tableLast) < 0 ? index(last, level) : INDEX_MASK;
    }
    long freed = 0;
    for (int i = lo; i <= hi; i++) {
      long ea = table + ((long) i << 3);
      long e = mem.readLong(ea);
      if (!Pte.present(e) || isLeaf(e, level)) {
        continue;
      }
      long child = e & Pte.PFN_MASK;
      long va = base + ((long) i << shift);
      if (level - 1 > 1) {
        freed += pruneTable(child, level - 1, va, start, last);
      }
      if (tableEmpty(child)) {
        mem.writeLong(ea, 0);
        alloc.freePages(0, Page.physToPfn(child), 0);
        freed++;
      }
    }
    return freed;
  }

  private boolean tableEmpty(long table) {
    for (int i = 0; i < ENTRIES; i++) {
      if (mem.readLong(table + ((long) i << 3)) != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public long virtToPhys(long root, long linear) {
    checkRoot(root, "virtToPhys");
    if (!isCanonical(linear)) {
      return NO_PHYS;
    }
    long table = Page.pfnToPhys(root);
    for (int level = levels; ; level--) {
      long e = mem.readLong(table + ((long) index(linear, level) << 3));
      if (!Pte.present(e)) {
        return NO_PHYS;
      }
      if (isLeaf(e, level)) {
        long mask = (1L << shift(level)) - 1;
        return (e & Pte.PFN_MASK & ~mask) | (linear & mask);
      }
      table = e & Pte.PFN_MASK;
    }
  }

  // ---------------------------------------------------------------- counts

  @Override
  public long tablePages() {
    return kernelTables + userTables;
  }

  @Override
  public long kernelTablePages() {
    return kernelTables;
  }

  @Override
  public long tablePages(long root) {
    checkRoot(root, "tablePages");
    return root == kernelRoot ? kernelTables : roots.count(root);
  }

  @Override
  public long directMapPages(long pageSize) {
    if (pageSize == Page.PAGE_SIZE) {
      return directMap[1];
    }
    if (pageSize == MIB2) {
      return directMap[2];
    }
    if (pageSize == GIB) {
      return directMap[3];
    }
    throw new IllegalArgumentException("directMapPages: no x86-64 page of " + pageSize + " bytes");
  }

  // ---------------------------------------------------------------- MMUs and TLBs

  @Override
  public Mmu mmu(int cpu) {
    if (cpu < 0 || cpu >= mmus.length) {
      throw new IllegalArgumentException("mmu: cpu " + cpu + " is not in [0, " + mmus.length + ")");
    }
    X86Mmu m = mmus[cpu];
    if (m == null) {
      m = new X86Mmu(this, cpu);
      mmus[cpu] = m;
    }
    return m;
  }

  @Override
  public void flushTlbPage(long linear) {
    for (X86Mmu m : mmus) {
      if (m != null) {
        m.invlpg(linear);
      }
    }
  }

  @Override
  public void flushTlbMm(long root) {
    checkRoot(root, "flushTlbMm");
    for (X86Mmu m : mmus) {
      if (m != null && m.cr3() == root) {
        m.flushNonGlobal();
      }
    }
  }

  // ---------------------------------------------------------------- invariants, frame map

  /** Recounts every table from the entries: see {@link X86PageTableInvariants}. */
  @Override
  public void checkInvariants() {
    X86PageTableInvariants.check(this);
  }

  /** Marks every table frame with its owner and level: see {@link X86PtDump}. */
  @Override
  public void describeFrames(FrameMap map) {
    X86PtDump.describeFrames(this, map);
  }

  /** Live roots and their table counts. */
  RootMap roots() {
    return roots;
  }

  /** The MMUs created so far, by CPU (null where {@link #mmu} was never asked). */
  X86Mmu[] mmus() {
    return mmus;
  }

  /** Table pages of the user halves (every root's own tables). */
  long userTablePages() {
    return userTables;
  }

  /** Every leaf of the kernel root in {@code [start, last]}, in address order. */
  void walkKernel(long start, long last, PteVisitor v) {
    walk(Page.pfnToPhys(kernelRoot), levels, 0, start, last, v);
  }
}
