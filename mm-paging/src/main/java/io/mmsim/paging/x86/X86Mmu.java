package io.mmsim.paging.x86;

import java.util.Arrays;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.ControlRegisters;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageFault;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.trace.TlbFlushReason;
import io.mmsim.api.trace.Tracer;

/*
 * One simulated CPU: segment registers and GDT, CR0/CR3/CR4/EFER, a set-associative TLB and the
 * page walk over the real table bytes.
 *
 * Walk (Intel SDM vol. 3, 4.5-4.8). From CR3, one entry per level:
 *   - P = 0                      -> #PF, error code P = 0;
 *   - a reserved bit set         -> #PF, error code P = 1 and RSVD. Reserved: bits 51..MAXPHYADDR;
 *                                   XD when EFER.NXE = 0; PS in a PML5/PML4 entry; bits 29..13 of
 *                                   a 1 GiB entry and 20..13 of a 2 MiB entry;
 *   - otherwise the entry counts towards the effective rights: R/W and U/S are ANDed over all
 *     levels, XD is ORed. A non-leaf entry gets its Accessed bit as the walk passes it (even if
 *     the translation faults further down).
 * At the leaf the rights are checked:
 *   - user access: U/S must be 1 everywhere;
 *   - write: R/W must be 1 everywhere, for supervisor writes only when CR0.WP = 1;
 *   - instruction fetch with EFER.NXE = 1: XD must be 0 everywhere;
 * a violation is #PF with P = 1. On success the leaf gets Accessed, and Dirty for a write.
 * The error code adds W for writes, U for user mode, I for fetches when NXE is on; CR2 = linear.
 *
 * TLB. Slot i is tlb[2i], a virtual page number (linear >>> 12) or EMPTY, and tlb[2i + 1],
 * the cached translation of that 4 KiB page. Large pages have a TLB of their own, as the cores
 * Linux runs on have separate L1 DTLB entries for 2 MiB and 1 GiB pages: LARGE_TLB_ENTRIES
 * entries, fully associative, round robin; largeTag[i] is (linear >>> 21) << 1 for a 2 MiB page or
 * (linear >>> 30) << 1 | 1 for a 1 GiB page, largeVal[i] the translation of the whole page (its
 * first frame). One entry covers a whole large page, so a TLB of n such entries reaches n x 2 MiB.
 * The layout of a cached translation:
 *
 *   63  62 ... 52 51 ............. 12 11 10 9 8  7  6  5 4 3  2  1  0
 *  +--+---------+--------------------+--+----+--+--+--+------+--+--+--+
 *  |XD|    0    |  frame address     |0 | SZ |G |0 |D |  0   |US|RW|0 |
 *  +--+---------+--------------------+--+----+--+--+--+------+--+--+--+
 *  RW, US: effective rights of all levels; XD: ORed over all levels; D: the leaf's Dirty bit;
 *  G: the leaf's Global bit (kept only with CR4.PGE); SZ: 0 = 4 KiB page (tlb), 1 = 2 MiB
 *  page, 2 = 1 GiB page (largeVal).
 *
 * The TLB has tlbEntries / tlbWays sets of tlbWays entries; set = vpn mod sets; replacement takes
 * an empty way, else round robin per set. A hit must have the bits of hitMask(access, mode) set
 * (US for user mode; D, and RW when user or WP, for writes) and XD clear when the mask holds XD
 * (fetches with NXE); otherwise the entry is dropped and the tables are walked again, so a write
 * through a clean entry sets Dirty and a permission upgrade needs no flush. The entry of the last
 * hit or fill is mirrored in lastVpn / lastVal (lastSlot names its slot; lastVpn = EMPTY when that
 * slot was dropped) and tried before the set, so runs of accesses to one page cost one compare,
 * as the small first-level TLB of a real core makes them cheap. The large-page TLB is looked up
 * after a miss in the sets, and only while it holds something. Statistics cost one counter per
 * translation: the copy's tries, or the set lookups; a lookup that found nothing and an entry
 * dropped for its rights are counted apart, and hits and misses (walks) are derived from the four.
 *
 * Segmentation (SDM vol. 3 ch. 3 and 5), the GDT, segment registers and CPL, is X86Segmentation's;
 * this class hands it the #GP it raises. Also apart: the long-mode rule for writing CR0, CR4 and
 * EFER (X86ControlRegisters), the walk as the tracer sees it (X86PageWalkTrace) and the recount of
 * the TLB's bookkeeping (X86TlbInvariants).
 *
 * References: arch/x86/include/asm/pgtable_types.h, arch/x86/include/asm/segment.h,
 * arch/x86/kernel/cpu/common.c (gdt_page), Intel SDM vol. 3 chapters 3-5.
 *
 * Not thread-safe: one kernel, one thread.
 */
final class X86Mmu implements Mmu {
  static final long EMPTY = -1L;
  static final int SZ_SHIFT = 9;
  static final long SZ_MASK = 3L << SZ_SHIFT;
  private static final long FRAME_MASK = Pte.PFN_MASK;

  /** The PFN field of an entry, shifted down: a frame number. */
  private static final long PFN_BITS = Pte.PFN_MASK >>> Page.PAGE_SHIFT;

  private static final long BITS_13_29 = ((1L << 30) - 1) & ~((1L << 13) - 1);
  private static final long BITS_13_20 = ((1L << 21) - 1) & ~((1L << 13) - 1);

  private final X86PageTable pt;
  private final PhysicalMemory mem;
  private final int cpu;
  private final int levels;
  private final int canonShift;
  private final int physBits;

  /** CR0, CR4 and EFER; CR3 and CR2 are the walk's and the fault's, so they live here. */
  private final X86ControlRegisters regs;

  private long cr3;
  private long cr2;
  private int errorCode;
  private int lastVector;
  private boolean wp;
  private boolean nxe;
  private boolean pge;

  /**
   * Per access kind and mode: bits a TLB value must have set, plus XD when it must be clear. Six
   * fields rather than an array: a caller that passes constants (as most do) loads one field, with
   * no range check.
   */
  private long maskUserRead;

  private long maskUserWrite;
  private long maskUserExec;
  private long maskKernelRead;
  private long maskKernelWrite;
  private long maskKernelExec;

  private final long[] reserved = new long[12];

  /**
   * Per level 2..5: the bits that make an entry a plain step down the walk when, of them, exactly P
   * and A are set (present, accessed, no reserved bit, not a huge-page leaf).
   */
  private final long[] tableStep = new long[6];

  /** Entries of the large-page TLB (2 MiB and 1 GiB pages). */
  static final int LARGE_TLB_ENTRIES = 32;

  // TLB: package-private where X86TlbInvariants recounts it
  final long[] largeTag = new long[LARGE_TLB_ENTRIES];
  final long[] largeVal = new long[LARGE_TLB_ENTRIES];
  private int largeVictim;

  /**
   * The 4 KiB TLB, tag and value side by side: slot i's tag at [2i], its value at [2i + 1], so that
   * a set of four ways is 64 bytes, one array and one bounds check per lookup.
   */
  final long[] tlb;

  final int entries;
  private final int[] victim;
  private final int ways;
  final int waysShift;
  final int setMask;

  /** The slot of the last hit or fill, and copies of its tag (EMPTY once dropped) and value. */
  int lastSlot;

  long lastVpn = EMPTY;
  long lastVal;
  int valid;
  int hugeCached;

  /** Translations tried on the last-translation copy. */
  private long shortcutTries;

  /** Translations looked up in the sets (and then the large-page TLB when the sets missed). */
  private long setLookups;

  /** Set lookups that found nothing in the sets or the large-page TLB: each walked. */
  private long lookupMisses;

  /** Cached entries that could not serve their access: each was dropped, then the walk ran. */
  private long drops;

  /**
   * The page of the last #PF whose walk reached a 4 KiB leaf (EMPTY otherwise), the leaf's table
   * and index, and the rights of the levels above it (RW and US ANDed, XD ANDed inverted), with the
   * page table's shape count and CR3 at that moment: the state retryTranslate restarts from.
   */
  private long faultVpn = EMPTY;

  /** The page of the last #PF, wherever its walk ended. */
  private long faultPage = EMPTY;

  private long faultTable;
  private int faultIndex;
  private long faultAbove;
  private long faultShape = -1;
  private long faultCr3 = -1;

  /** Segment registers, the GDT and the CPL (X86Segmentation). */
  private final X86Segmentation segments;

  /** The kernel's tracer: walks, #PF and TLB flushes are reported when someone listens. */
  private final Tracer trace;

  X86Mmu(X86PageTable pt, int cpu) {
    X86Config cfg = pt.config();
    this.pt = pt;
    this.trace = pt.tracer();
    this.mem = pt.memory();
    this.cpu = cpu;
    this.levels = pt.levels();
    this.canonShift = 64 - pt.virtualAddressBits();
    this.physBits = cfg.physBits();
    this.regs = new X86ControlRegisters(cfg, levels, cpu);
    this.cr3 = pt.kernelRoot();
    this.ways = cfg.tlbWays();
    this.waysShift = Integer.numberOfTrailingZeros(ways);
    int sets = cfg.tlbEntries() / ways;
    this.setMask = sets - 1;
    this.entries = cfg.tlbEntries();
    this.tlb = new long[2 * entries];
    this.victim = new int[sets];
    for (int i = 0; i < entries; i++) {
      tlb[i << 1] = EMPTY;
    }
    Arrays.fill(largeTag, EMPTY);
    recomputeChecks();
    this.segments = new X86Segmentation(this, cfg, canonShift);
  }

  private void recomputeChecks() {
    wp = (regs.cr0() & ControlRegisters.CR0_WP) != 0;
    nxe = (regs.efer() & ControlRegisters.EFER_NXE) != 0;
    pge = (regs.cr4() & ControlRegisters.CR4_PGE) != 0;
    maskUserRead = Pte.USER;
    maskKernelRead = 0;
    maskUserWrite = Pte.USER | Pte.DIRTY | Pte.RW;
    maskKernelWrite = Pte.DIRTY | (wp ? Pte.RW : 0);
    maskUserExec = Pte.USER | (nxe ? Pte.NX : 0);
    maskKernelExec = nxe ? Pte.NX : 0;
    long common = ((1L << Pte.PHYSICAL_MASK_SHIFT) - 1) & ~((1L << physBits) - 1);
    if (!nxe) {
      common |= Pte.NX;
    }
    for (int level = 1; level <= 5; level++) {
      reserved[level << 1] = common | (level >= 4 ? Pte.PS : 0);
      long huge = level >= 4 ? Pte.PS : level == 3 ? BITS_13_29 : level == 2 ? BITS_13_20 : 0;
      reserved[level << 1 | 1] = common | huge;
      tableStep[level] = reserved[level << 1] | Pte.PS | Pte.PRESENT | Pte.ACCESSED;
    }
  }

  @Override
  public int cpu() {
    return cpu;
  }

  // ---------------------------------------------------------------- control registers

  @Override
  public void loadCr3(long rootPfn) {
    if (!pt.isRoot(rootPfn)) {
      throw new BadAddressException(
          Page.pfnToPhys(rootPfn),
          String.format(
              "cpu %d: loadCr3 of pfn 0x%x, which is not the root of a live address space",
              cpu, rootPfn));
    }
    cr3 = rootPfn;
    flushNonGlobal();
  }

  @Override
  public long cr3() {
    return cr3;
  }

  @Override
  public long cr0() {
    return regs.cr0();
  }

  @Override
  public long cr4() {
    return regs.cr4();
  }

  @Override
  public long efer() {
    return regs.efer();
  }

  @Override
  public void writeCr0(long value) {
    regs.writeCr0(value);
    recomputeChecks();
  }

  @Override
  public void writeCr4(long value) {
    boolean changed = regs.writeCr4(value);
    recomputeChecks();
    if (changed) {
      flushTlbAll();
    }
  }

  @Override
  public void writeEfer(long value) {
    boolean changed = regs.writeEfer(value);
    recomputeChecks();
    if (changed) {
      flushTlbAll();
    }
  }

  // ---------------------------------------------------------------- translation

  @Override
  public long translate(long linear, int access, boolean user) {
    if (Integer.compareUnsigned(access, Access.EXECUTE) > 0) {
      throw noSuchAccess(access);
    }
    if ((linear << canonShift) >> canonShift != linear) {
      return generalProtection(0);
    }
    long vpn = linear >>> Page.PAGE_SHIFT;
    long v;
    if (vpn == lastVpn) {
      shortcutTries++;
      v = lastVal;
    } else {
      if (ways != 4) {
        return translateWays(linear, vpn, access, user);
      }
      setLookups++;
      // the default associativity written out, each way's value read at a constant offset from
      // the set's first tag, so that one range check covers the whole set (a loop over the ways
      // compiles to a range-checked pre-loop that costs about a third of a hit). This method
      // stays under HotSpot's inlining limit (325 bytes of bytecode), so hits cost no call.
      long[] t = tlb;
      int b = ((int) vpn & setMask) << 3;
      int e;
      if (t[b] == vpn) {
        v = t[b + 1];
        e = b;
      } else if (t[b + 2] == vpn) {
        v = t[b + 3];
        e = b + 2;
      } else if (t[b + 4] == vpn) {
        v = t[b + 5];
        e = b + 4;
      } else if (t[b + 6] == vpn) {
        v = t[b + 7];
        e = b + 6;
      } else {
        return miss(linear, vpn, access, user);
      }
      remember(e >> 1, vpn, v);
    }
    long mask = hitMask(access, user);
    // XD must be clear where the mask has it and every other bit of the mask set: flip XD, test
    if (((v ^ (mask & Pte.NX)) & mask) == mask) {
      return (v & FRAME_MASK) | (linear & Page.PAGE_OFFSET_MASK);
    }
    return dropAndWalk(linear, vpn, access, user);
  }

  private static IllegalArgumentException noSuchAccess(int access) {
    return new IllegalArgumentException("translate: no such access kind " + access);
  }

  /** {@link #translate} past the last-translation copy, for a TLB that is not 4-way. */
  private long translateWays(long linear, long vpn, int access, boolean user) {
    setLookups++;
    int i = lookup(vpn);
    if (i < 0) {
      return miss(linear, vpn, access, user);
    }
    long v = tlb[i << 1 | 1];
    remember(i, vpn, v);
    long mask = hitMask(access, user);
    if (((v ^ (mask & Pte.NX)) & mask) == mask) {
      return (v & FRAME_MASK) | (linear & Page.PAGE_OFFSET_MASK);
    }
    return dropAndWalk(linear, vpn, access, user);
  }

  /** The cached entry of the last hit cannot serve the access: dropped, then the walk. */
  private long dropAndWalk(long linear, long vpn, int access, boolean user) {
    drops++;
    drop(lastSlot);
    return walk(linear, vpn, access, user, levels, cr3 & PFN_BITS, Pte.RW | Pte.USER | Pte.NX);
  }

  /** A translation that found no entry in the sets: the large-page TLB, else the walk. */
  private long miss(long linear, long vpn, int access, boolean user) {
    if (hugeCached > 0) {
      long phys = largeHit(linear, access, user);
      if (phys >= 0) {
        return phys;
      }
    }
    lookupMisses++;
    return walk(linear, vpn, access, user, levels, cr3 & PFN_BITS, Pte.RW | Pte.USER | Pte.NX);
  }

  /** The bits a cached value must have for {@code access} in the mode (see the mask fields). */
  private long hitMask(int access, boolean user) {
    if (access == Access.READ) {
      return user ? maskUserRead : maskKernelRead;
    }
    if (access == Access.WRITE) {
      return user ? maskUserWrite : maskKernelWrite;
    }
    return user ? maskUserExec : maskKernelExec;
  }

  /**
   * The restarted access after a fault: when the last #PF was at this page, its walk reached the 4
   * KiB leaf, and neither CR3 nor the tables' shape changed since, the levels above are what that
   * walk found (their Accessed bits set as it passed), so only the leaf is read again. The TLB
   * lookup that comes first is counted as {@link #translate} counts it; anything else, and a page
   * the TLB holds, goes through {@link #translate}.
   */
  @Override
  public long retryTranslate(long linear, int access, boolean user) {
    long vpn = linear >>> Page.PAGE_SHIFT;
    if (vpn != faultVpn
        || faultShape != pt.shape()
        || faultCr3 != cr3
        || vpn == lastVpn
        || hugeCached > 0
        || Integer.compareUnsigned(access, Access.EXECUTE) > 0
        || lookup(vpn) >= 0) {
      return translate(linear, access, user);
    }
    setLookups++;
    lookupMisses++;
    return walk(linear, vpn, access, user, 1, faultTable, faultAbove);
  }

  @Override
  public long faultPteSlot(long linear) {
    if (faultShape != pt.shape() || faultCr3 != cr3 || linear >>> Page.PAGE_SHIFT != faultPage) {
      return PageFault.SLOT_UNKNOWN;
    }
    return faultVpn == EMPTY ? -1 : Page.pfnToPhys(faultTable) + ((long) faultIndex << 3);
  }

  /**
   * A translation from the large-page TLB, or -1 (an entry that cannot serve the access is dropped,
   * so that the walk sets Dirty or finds the new rights).
   */
  private long largeHit(long linear, int access, boolean user) {
    long tag2 = (linear >>> 21) << 1;
    long tag1g = (linear >>> 30) << 1 | 1;
    for (int i = 0; i < LARGE_TLB_ENTRIES; i++) {
      long t = largeTag[i];
      if (t == tag2 || t == tag1g) {
        long v = largeVal[i];
        long mask = hitMask(access, user);
        if (((v ^ (mask & Pte.NX)) & mask) == mask) {
          long pageMask = t == tag2 ? (1L << 21) - 1 : (1L << 30) - 1;
          return (v & FRAME_MASK & ~pageMask) | (linear & pageMask);
        }
        dropLarge(i);
        return -1;
      }
    }
    return -1;
  }

  private void insertLarge(long linear, int level, long value) {
    long tag = level == 2 ? (linear >>> 21) << 1 : (linear >>> 30) << 1 | 1;
    int slot = -1;
    for (int i = 0; i < LARGE_TLB_ENTRIES; i++) {
      if (largeTag[i] == EMPTY) {
        slot = i;
        break;
      }
    }
    if (slot < 0) {
      slot = largeVictim;
      largeVictim = (largeVictim + 1) & (LARGE_TLB_ENTRIES - 1);
      hugeCached--;
    }
    largeTag[slot] = tag;
    largeVal[slot] = value;
    hugeCached++;
  }

  private void dropLarge(int i) {
    if (largeTag[i] != EMPTY) {
      largeTag[i] = EMPTY;
      hugeCached--;
    }
  }

  private void remember(int slot, long vpn, long value) {
    lastSlot = slot;
    lastVpn = vpn;
    lastVal = value;
  }

  /** The slot caching {@code vpn}, or -1. */
  private int lookup(long vpn) {
    long[] t = tlb;
    if (ways == 4) {
      // the default associativity, written out: HotSpot compiles the loop below with a
      // range-checked pre-loop that costs more than the four compares (about a third of a hit)
      int b = ((int) vpn & setMask) << 3;
      if (t[b] == vpn) {
        return b >> 1;
      }
      if (t[b + 2] == vpn) {
        return (b >> 1) + 1;
      }
      if (t[b + 4] == vpn) {
        return (b >> 1) + 2;
      }
      if (t[b + 6] == vpn) {
        return (b >> 1) + 3;
      }
      return -1;
    }
    int base = ((int) vpn & setMask) << (waysShift + 1);
    for (int e = base, end = base + (ways << 1); e < end; e += 2) {
      if (t[e] == vpn) {
        return e >> 1;
      }
    }
    return -1;
  }

  /**
   * The page walk of a TLB miss, up to the fill of the TLB, from the table {@code table} (a frame
   * number, masked like every later step so that the JIT sees a pfn that is never negative) at
   * {@code level}: the root at the top level, or the leaf's table when a restarted access knows the
   * levels above, whose rights {@code acc} carries (RW and US ANDed over the levels; NX ANDed
   * inverted, so that it ends clear when any level has XD). One method on purpose (leaf included):
   * it stays bigger than what HotSpot inlines into a hot caller, so that {@link #translate}
   * compiles small and is itself inlined where it is called, TLB hits costing no call.
   */
  private long walk(
      long linear, long vpn, int access, boolean user, int top, long root, long rights0) {
    if (Tracer.anyOn() && trace.on()) {
      traceWalk(linear, access, user);
    }
    long table = root;
    long acc = rights0;
    int level = top;
    if (level == 4) {
      // the common case, three plain table steps, taken without the loop's bookkeeping; anything
      // else (and these steps have only read) is left to the loop, from the root
      long e4 = mem.readEntry(table, tableIndex(linear, 4));
      if ((e4 & tableStep[4]) == (Pte.PRESENT | Pte.ACCESSED)) {
        long e3 = mem.readEntry(nextTable(e4), tableIndex(linear, 3));
        if ((e3 & tableStep[3]) == (Pte.PRESENT | Pte.ACCESSED)) {
          long e2 = mem.readEntry(nextTable(e3), tableIndex(linear, 2));
          if ((e2 & tableStep[2]) == (Pte.PRESENT | Pte.ACCESSED)) {
            table = nextTable(e2);
            acc &= (e4 ^ Pte.NX) & (e3 ^ Pte.NX) & (e2 ^ Pte.NX);
            level = 1;
          }
        }
      }
    }
    int index = 0;
    long e = 0;
    long above = acc;
    for (; level > 0; level--) {
      index = tableIndex(linear, level);
      e = mem.readEntry(table, index);
      above = acc;
      acc &= e ^ Pte.NX;
      if (level == 1 || (e & tableStep[level]) != (Pte.PRESENT | Pte.ACCESSED)) {
        // a leaf, a fault, or a table entry that gets its Accessed bit now
        if ((e & Pte.PRESENT) == 0) {
          return pageFault(linear, access, user, 0, level, table, index, above);
        }
        if ((e & reserved[level << 1 | ((int) (e >>> 7) & 1)]) != 0) {
          return pageFault(
              linear, access, user, ErrorCode.PROT | ErrorCode.RSVD, level, table, index, above);
        }
        if (level == 1 || (level <= 3 && (e & Pte.PS) != 0)) {
          break;
        }
        mem.writeEntry(table, index, e | Pte.ACCESSED);
      }
      table = nextTable(e);
    }
    assert level > 0 : "a walk ends at a leaf of level 1 at the latest";
    // the leaf e, entry index of the table in frame table: the rights of every level decide
    long rights = acc & (Pte.RW | Pte.USER);
    long xd = ~acc & Pte.NX;
    int shift = X86PageTable.shift(level);
    boolean write = access == Access.WRITE;
    if ((user && (rights & Pte.USER) == 0)
        || (write && (rights & Pte.RW) == 0 && (user || wp))
        || (access == Access.EXECUTE && nxe && xd != 0)) {
      return pageFault(linear, access, user, ErrorCode.PROT, level, table, index, above);
    }
    long updated = e | Pte.ACCESSED | (write ? Pte.DIRTY : 0);
    if (updated != e) {
      mem.writeEntry(table, index, updated);
    }
    long pageMask = (1L << shift) - 1;
    long phys = (e & Pte.PFN_MASK & ~pageMask) | (linear & pageMask);
    long value =
        (phys & FRAME_MASK)
            | (rights & (Pte.RW | Pte.USER))
            | xd
            | (updated & Pte.DIRTY)
            | (pge ? e & Pte.GLOBAL : 0)
            | ((long) (level - 1) << SZ_SHIFT);
    if (level == 1) {
      insert(vpn, value);
    } else {
      insertLarge(linear, level, value);
    }
    if (Tracer.anyOn() && trace.on()) {
      trace.walkDone(cpu, linear, phys, shift);
    }
    return phys;
  }

  /** Reports the walk {@link #walk} is about to make: see {@link X86PageWalkTrace}. */
  private void traceWalk(long linear, int access, boolean user) {
    X86PageWalkTrace.pageWalk(trace, mem, cpu, levels, cr3 & PFN_BITS, linear, access, user);
  }

  /** The index of {@code linear}'s entry in its table of {@code level}. */
  static int tableIndex(long linear, int level) {
    return (int) (linear >>> X86PageTable.shift(level)) & X86PageTable.INDEX_MASK;
  }

  /** The frame of the table that table entry {@code e} points to. */
  static long nextTable(long e) {
    return (e >>> Page.PAGE_SHIFT) & PFN_BITS;
  }

  /**
   * A #PF found by a walk that read entry {@code index} of the table in frame {@code table} at
   * {@code level}, the levels above allowing {@code above}: remembered for {@link #faultPteSlot}
   * and {@link #retryTranslate}.
   */
  private long pageFault(
      long linear,
      int access,
      boolean user,
      int bits,
      int level,
      long table,
      int index,
      long above) {
    faultPage = linear >>> Page.PAGE_SHIFT;
    faultVpn = level == 1 ? faultPage : EMPTY;
    faultTable = table;
    faultIndex = index;
    faultAbove = above;
    faultShape = pt.shape();
    faultCr3 = cr3;
    int code = bits;
    if (access == Access.WRITE) {
      code |= ErrorCode.WRITE;
    } else if (access == Access.EXECUTE && nxe) {
      code |= ErrorCode.INSTR;
    }
    if (user) {
      code |= ErrorCode.USER;
    }
    cr2 = linear;
    errorCode = code;
    lastVector = VECTOR_PF;
    if (Tracer.anyOn() && trace.on()) {
      if (user) {
        trace.pageFaultUser(cpu, linear, 0, code);
      } else {
        trace.pageFaultKernel(cpu, linear, 0, code);
      }
    }
    return FAULT;
  }

  long generalProtection(int code) {
    errorCode = code;
    lastVector = VECTOR_GP;
    return GP_FAULT;
  }

  @Override
  public long cr2() {
    return cr2;
  }

  @Override
  public int errorCode() {
    return errorCode;
  }

  @Override
  public int lastVector() {
    return lastVector;
  }

  // ---------------------------------------------------------------- TLB

  private void insert(long vpn, long value) {
    int set = (int) vpn & setMask;
    int base = set << waysShift;
    int slot = -1;
    if (valid < entries) {
      for (int i = base, end = base + ways; i < end; i++) {
        if (tlb[i << 1] == EMPTY) {
          slot = i;
          break;
        }
      }
    }
    if (slot >= 0) {
      valid++;
    } else {
      // a full set (as every set is once the TLB is full): replace the next way round robin
      int v = victim[set];
      slot = base + v;
      victim[set] = (v + 1) & (ways - 1);
    }
    tlb[slot << 1] = vpn;
    tlb[slot << 1 | 1] = value;
    remember(slot, vpn, value);
  }

  private void drop(int i) {
    if (tlb[i << 1] != EMPTY) {
      if (i == lastSlot) {
        lastVpn = EMPTY;
      }
      tlb[i << 1] = EMPTY;
      valid--;
    }
  }

  @Override
  public void invlpg(long linear) {
    if ((linear << canonShift) >> canonShift != linear) {
      return; // INVLPG of a non-canonical address is a no-op
    }
    if (Tracer.anyOn() && trace.on()) {
      trace.tlbFlush(cpu, TlbFlushReason.TLB_LOCAL_SHOOTDOWN, 1);
    }
    long vpn = linear >>> Page.PAGE_SHIFT;
    int base = ((int) vpn & setMask) << waysShift;
    for (int i = base; i < base + ways; i++) {
      if (tlb[i << 1] == vpn) {
        drop(i);
      }
    }
    if (hugeCached > 0) {
      long tag2 = (linear >>> 21) << 1;
      long tag1g = (linear >>> 30) << 1 | 1;
      for (int i = 0; i < LARGE_TLB_ENTRIES; i++) {
        if (largeTag[i] == tag2 || largeTag[i] == tag1g) {
          dropLarge(i);
        }
      }
    }
  }

  /** Drops every entry without G (a CR3 load). */
  void flushNonGlobal() {
    if (Tracer.anyOn() && trace.on()) {
      trace.tlbFlush(cpu, TlbFlushReason.TLB_FLUSH_ON_TASK_SWITCH, Tracer.TLB_FLUSH_ALL);
    }
    for (int i = 0; i < entries; i++) {
      if ((tlb[i << 1 | 1] & Pte.GLOBAL) == 0) {
        drop(i);
      }
    }
    for (int i = 0; i < LARGE_TLB_ENTRIES; i++) {
      if ((largeVal[i] & Pte.GLOBAL) == 0) {
        dropLarge(i);
      }
    }
  }

  @Override
  public void flushTlbAll() {
    if (Tracer.anyOn() && trace.on()) {
      trace.tlbFlush(cpu, TlbFlushReason.TLB_LOCAL_SHOOTDOWN, Tracer.TLB_FLUSH_ALL);
    }
    for (int i = 0; i < entries; i++) {
      drop(i);
    }
    for (int i = 0; i < LARGE_TLB_ENTRIES; i++) {
      dropLarge(i);
    }
  }

  @Override
  public int tlbSize() {
    return entries;
  }

  @Override
  public int tlbValidEntries() {
    return valid + hugeCached;
  }

  @Override
  public int tlbLargeEntries() {
    return hugeCached;
  }

  @Override
  public long tlbHits() {
    // every translation that did not end in a walk
    return shortcutTries + setLookups - drops - lookupMisses;
  }

  @Override
  public long tlbMisses() {
    // every walk: a dropped entry or a lookup that found nothing
    return drops + lookupMisses;
  }

  @Override
  public long tlbLookupMisses() {
    return lookupMisses;
  }

  @Override
  public long tlbSetLookups() {
    return setLookups;
  }

  /** Recounts the TLB's bookkeeping; for tests: see {@link X86TlbInvariants}. */
  void checkInvariants() {
    X86TlbInvariants.check(this);
  }

  // ---------------------------------------------------------------- segmentation

  @Override
  public int selector(int sreg) {
    return segments.selector(sreg);
  }

  @Override
  public long segmentBase(int sreg) {
    return segments.segmentBase(sreg);
  }

  @Override
  public int cpl() {
    return segments.cpl();
  }

  @Override
  public long gdtEntry(int index) {
    return segments.gdtEntry(index);
  }

  @Override
  public boolean loadSegment(int sreg, int selector) {
    return segments.loadSegment(sreg, selector);
  }

  @Override
  public void writeSegmentBase(int sreg, long base) {
    segments.writeSegmentBase(sreg, base);
  }

  @Override
  public long linearAddress(int sreg, long offset, int access) {
    return segments.linearAddress(sreg, offset, access);
  }

  @Override
  public long translateLogical(int sreg, long offset, int access) {
    long linear = segments.linearAddress(sreg, offset, access);
    if (linear == BAD_LINEAR) {
      return GP_FAULT;
    }
    return translate(linear, access, segments.cpl() == 3);
  }
}
