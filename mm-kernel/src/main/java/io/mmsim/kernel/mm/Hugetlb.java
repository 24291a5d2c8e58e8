package io.mmsim.kernel.mm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.mmsim.api.fault.FaultOutcome;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;

/*
 * The hugetlbfs pool of 2 MiB pages and the anonymous MAP_HUGETLB mappings that use it
 * (mm/hugetlb.c: hugetlb_hstate_alloc_pages, alloc_pool_huge_folio, hugetlb_reserve_pages,
 * hugetlb_acct_memory, alloc_hugetlb_folio, dequeue_hugetlb_folio_vma, hugetlb_no_page,
 * hugetlb_wp, copy_hugetlb_page_range, __unmap_hugepage_range, hugetlb_vm_op_close,
 * free_huge_folio; fs/hugetlbfs/inode.c: hugetlbfs_file_mmap, hugetlb_get_unmapped_area;
 * Documentation/admin-guide/mm/hugetlbpage.rst).
 *
 *   pool       hugepages.count pages taken from the buddy allocator at boot, one node after the
 *              other (each allocation tries the next node in turn, __GFP_THISNODE), fewer when
 *              memory lacks; they stay out of the buddy allocator for good (no shrinking, no
 *              overcommit: HugePages_Surp stays 0). Never swapped, never migrated.
 *   mmap       the length is rounded up to 2 MiB, a MAP_FIXED address must be 2 MiB aligned
 *              (EINVAL), and every huge page of the range is reserved at once: when the free
 *              pages less those already reserved (HugePages_Free - HugePages_Rsvd) are too few,
 *              ENOMEM. A shared mapping reserves in its object, a private one for its owner.
 *   fault      a not-present fault maps one PMD entry with PS set: a shared mapping's page from its
 *              object, else a page from the pool (the CPU's node first), consuming its reservation
 *              or, without one (a forked child), an unreserved free page; none: SIGBUS. The page
 *              is zeroed. A private read fault maps it read-only; the write fault that follows
 *              reuses the page when nothing else maps it, else copies it into another pool page
 *              (hugetlb_wp), SIGBUS when there is none.
 *   fork       a shared mapping's entries are copied; a private one's are write-protected in
 *              both (copy on write), and the child's area holds no reservation.
 *   unmap      munmap and exit clear the entries and drop the pages' references; a page whose
 *              last reference goes returns to the pool. A private mapping's unused reservations
 *              in the range are given back; a shared object keeps its pages and reservations
 *              until no area maps it any more. munmap, mprotect, madvise and mbind may not cut a
 *              hugetlb area off a 2 MiB boundary (EINVAL).
 *
 * Simplifications, each a documented choice: no hugetlbfs mount (only anonymous MAP_HUGETLB);
 * one size (2 MiB); when a private copy-on-write finds no free page the faulting process gets
 * SIGBUS even when it owns the reservation (the kernel would unmap the page from the children
 * instead, unmap_ref_private).
 *
 * Not thread-safe: the kernel facade serialises calls.
 */
final class Hugetlb {
  /** 2 MiB: {@code huge_page_size(&default_hstate)}. */
  static final long HPAGE_SIZE = HugeMemory.HPAGE_PMD_SIZE;

  static final long HPAGE_MASK = HugeMemory.HPAGE_PMD_MASK;

  /** Base pages per huge page. */
  static final int NR = HugeMemory.HPAGE_PMD_NR;

  /** {@code htlb_alloc_mask} (GFP_HIGHUSER) with {@code __GFP_COMP | __GFP_NOWARN}. */
  static final int GFP = Gfp.USER | Gfp.HIGHMEM | Gfp.COMP | Gfp.NOWARN;

  /** The name /proc/PID/maps shows for an anonymous MAP_HUGETLB mapping. */
  static final String ANON_NAME = "/anon_hugepage (deleted)";

  /**
   * The hugetlbfs file behind one anonymous MAP_HUGETLB mapping: its reservation map (which huge
   * pages of it are still reserved) and, when shared, its page cache.
   */
  static final class Inode {
    final boolean shared;
    final boolean[] reserved;
    final long[] pages;

    Inode(int hugePages, boolean shared, boolean reserve) {
      this.shared = shared;
      this.reserved = new boolean[hugePages];
      this.pages = shared ? new long[hugePages] : null;
      java.util.Arrays.fill(reserved, reserve);
      if (pages != null) {
        java.util.Arrays.fill(pages, -1);
      }
    }
  }

  private final PageTable pageTable;
  private final PhysicalMemory memory;
  private final PageAllocator allocator;
  private MemoryLayout layout;

  private List<ArrayDeque<Long>> freeLists;
  private int[] nrNode;
  private long nr;
  private long free;
  private long resv;

  /** References to the pool pages in use, by head frame: mappings plus the object's. */
  private final Map<Long, Integer> refs = new HashMap<>();

  /** Shared objects alive, in creation order. */
  private final List<Inode> sharedInodes = new ArrayList<>();

  Hugetlb(
      PageTable pageTable, PhysicalMemory memory, PageAllocator allocator, MemoryLayout layout) {
    this.pageTable = pageTable;
    this.memory = memory;
    this.allocator = allocator;
    setLayout(layout);
  }

  void setLayout(MemoryLayout layout) {
    if (nr != 0) {
      throw new IllegalStateException("the hugetlb pool is filled already");
    }
    this.layout = layout;
    this.freeLists = new ArrayList<>();
    for (int i = 0; i < layout.nodes(); i++) {
      freeLists.add(new ArrayDeque<>());
    }
    this.nrNode = new int[layout.nodes()];
  }

  // ------------------------------------------------------------------ the pool

  /**
   * Fills the pool at boot with up to {@code count} huge pages, node after node.
   *
   * @return the pages allocated (fewer than asked when memory lacks)
   */
  long reserve(long count) {
    int nodes = layout.nodes();
    int next = 0;
    for (long i = 0; i < count; i++) {
      long pfn = PageAllocator.NO_PAGE;
      int nid = -1;
      // for_each_node_mask_to_alloc: each node once at most, starting where the last one ended
      for (int tried = 0; tried < nodes && pfn == PageAllocator.NO_PAGE; tried++) {
        nid = next;
        next = (next + 1) % nodes;
        pfn =
            allocator.allocPages(
                0, GFP | Gfp.THISNODE, HugeMemory.HPAGE_PMD_ORDER, nid, PageAllocator.ALL_NODES);
      }
      if (pfn == PageAllocator.NO_PAGE) {
        return i;
      }
      pages(nid).push(pfn);
      nrNode[nid]++;
      nr++;
      free++;
    }
    return count;
  }

  private ArrayDeque<Long> pages(int nid) {
    return freeLists.get(nid);
  }

  /** True when the pool has pages (so that hugetlb areas can exist). */
  boolean active() {
    return nr > 0;
  }

  long total() {
    return nr;
  }

  long free() {
    return free;
  }

  long reserved() {
    return resv;
  }

  long total(int nid) {
    return nrNode[nid];
  }

  long free(int nid) {
    return freeLists.get(nid).size();
  }

  /** {@code hugetlb_acct_memory} for a new mapping: can {@code n} more pages be reserved? */
  void checkReserve(long n, long len) {
    if (resv + n > free) {
      throw new IllegalArgumentException(
          String.format(
              "mmap: %d bytes of huge pages need %d reserved, but HugePages_Free %d less"
                  + " HugePages_Rsvd %d leaves %d (ENOMEM)",
              len, n, free, resv, free - resv));
    }
  }

  /** The object of a new mapping of {@code n} huge pages, each reserved. */
  Inode newInode(int n, boolean shared) {
    resv += n;
    Inode i = new Inode(n, shared, true);
    if (shared) {
      sharedInodes.add(i);
    }
    return i;
  }

  /** {@code dequeue_hugetlb_folio_vma}: a free page, the CPU's node first, then by distance. */
  private long dequeue(int cpu) {
    int local = layout.numa().cpuNode(cpu);
    int best = -1;
    for (int nid = 0; nid < freeLists.size(); nid++) {
      if (freeLists.get(nid).isEmpty()) {
        continue;
      }
      if (best < 0
          || nid == local
          || (best != local
              && layout.numa().distance(local, nid) < layout.numa().distance(local, best))) {
        best = nid;
      }
    }
    if (best < 0) {
      return -1;
    }
    free--;
    return freeLists.get(best).pop();
  }

  /**
   * {@code alloc_hugetlb_folio}: consumes the reservation of {@code idx}, or an unreserved page.
   */
  private long alloc(Inode inode, int idx, int cpu) {
    if (inode != null && idx >= 0 && inode.reserved[idx]) {
      inode.reserved[idx] = false;
      resv--;
      return dequeue(cpu);
    }
    if (free - resv <= 0) {
      return -1;
    }
    return dequeue(cpu);
  }

  private void get(long head) {
    refs.merge(head, 1, Integer::sum);
  }

  /** Drops a reference; the last one sends the page back to the pool ({@code free_huge_folio}). */
  private void put(long head) {
    int r = refs.get(head) - 1;
    if (r > 0) {
      refs.put(head, r);
      return;
    }
    refs.remove(head);
    pages(layout.numa().nodeOf(head)).push(head);
    free++;
  }

  // ------------------------------------------------------------------ faults

  private static int index(VmAreaStruct v, long haddr) {
    return (int) ((v.fileOffset + (haddr - v.start)) / HPAGE_SIZE);
  }

  private long entry(VmAreaStruct v, long head, boolean writable) {
    long flags = Pte.PRESENT | Pte.USER | Pte.ACCESSED | Pte.PS;
    if (writable) {
      flags |= Pte.RW | Pte.DIRTY;
    }
    if ((v.prot & Prot.EXEC) == 0) {
      flags |= Pte.NX;
    }
    return pageTable.pfnPte(head, flags);
  }

  /** {@code hugetlb_fault} for a fault at {@code cr2} in the hugetlb area {@code v}. */
  FaultOutcome fault(MmStruct mm, VmAreaStruct v, long cr2, int err, int cpu) {
    boolean write = (err & ErrorCode.WRITE) != 0;
    // access_error, as for 4 KiB pages
    if (write) {
      if ((v.prot & Prot.WRITE) == 0) {
        return FaultOutcome.SIGSEGV_ACCERR;
      }
    } else if ((err & ErrorCode.PROT) != 0
        || (v.prot & (Prot.READ | Prot.WRITE | Prot.EXEC)) == 0) {
      return FaultOutcome.SIGSEGV_ACCERR;
    }
    long haddr = cr2 & HPAGE_MASK;
    long pmd = pageTable.readEntry(mm.root(), haddr, 2);
    if (Pte.present(pmd) && Pte.huge(pmd)) {
      return wp(mm, v, haddr, pmd, cpu);
    }
    if (pmd != 0) {
      return FaultOutcome.BAD_PAGETABLE;
    }
    Inode inode = v.hugetlb;
    int idx = index(v, haddr);
    long head;
    if (inode.shared && inode.pages[idx] >= 0) {
      head = inode.pages[idx];
    } else {
      head = alloc(inode, idx, cpu);
      if (head < 0) {
        return FaultOutcome.SIGBUS;
      }
      for (int i = 0; i < NR; i++) {
        memory.zeroPage(head + i);
      }
      if (inode.shared) {
        inode.pages[idx] = head;
        get(head); // the page cache's reference
      }
    }
    boolean writable = (v.prot & Prot.WRITE) != 0 && (v.shared || write);
    if (!pageTable.writeHugePmd(mm.root(), haddr, entry(v, head, writable))) {
      if (!inode.shared) {
        refs.put(head, 1);
        put(head);
      }
      return FaultOutcome.OOM;
    }
    get(head);
    return FaultOutcome.MINOR;
  }

  /** {@code hugetlb_wp}: a write to a present, write-protected huge page. */
  private FaultOutcome wp(MmStruct mm, VmAreaStruct v, long haddr, long pmd, int cpu) {
    long head = Pte.pfn(pmd) & ~(long) (NR - 1);
    if (v.shared || refs.get(head) == 1) {
      pageTable.writeHugePmd(mm.root(), haddr, pmd | Pte.RW | Pte.DIRTY | Pte.ACCESSED);
      pageTable.flushTlbMm(mm.root());
      return FaultOutcome.MINOR;
    }
    long copy = alloc(null, -1, cpu);
    if (copy < 0) {
      return FaultOutcome.SIGBUS;
    }
    for (int i = 0; i < NR; i++) {
      memory.copyPage(head + i, copy + i);
    }
    pageTable.writeHugePmd(mm.root(), haddr, entry(v, copy, true));
    pageTable.flushTlbMm(mm.root());
    get(copy);
    put(head);
    return FaultOutcome.MINOR;
  }

  // ------------------------------------------------------------------ unmap, fork, drop

  /**
   * {@code __unmap_hugepage_range} over {@code [start, end)} of {@code v} (2 MiB aligned), then,
   * for a private mapping, {@code hugetlb_vm_op_close}: its unused reservations there go back.
   */
  void zap(MmStruct mm, VmAreaStruct v, long start, long end) {
    boolean any = false;
    for (long h = start; h < end; h += HPAGE_SIZE) {
      long pmd = pageTable.readEntry(mm.root(), h, 2);
      if (Pte.present(pmd) && Pte.huge(pmd)) {
        pageTable.writeHugePmd(mm.root(), h, 0);
        put(Pte.pfn(pmd) & ~(long) (NR - 1));
        any = true;
      }
    }
    if (any) {
      pageTable.flushTlbMm(mm.root());
    }
    if (!v.hugetlb.shared) {
      for (int i = index(v, start); i < index(v, end); i++) {
        if (v.hugetlb.reserved[i]) {
          v.hugetlb.reserved[i] = false;
          resv--;
        }
      }
    }
  }

  /**
   * {@code copy_hugetlb_page_range} for fork: {@code child} (a copy of {@code parent}'s area) gets
   * the entries; a private area's are write-protected on both sides and the child's area has no
   * reservation.
   *
   * @return false when a page-table frame could not be had
   */
  boolean dup(MmStruct pm, MmStruct cm, VmAreaStruct parent, VmAreaStruct child) {
    if (!parent.hugetlb.shared) {
      child.hugetlb = new Inode(parent.hugetlb.reserved.length, false, false);
    }
    for (long h = parent.start; h < parent.end; h += HPAGE_SIZE) {
      long pmd = pageTable.readEntry(pm.root(), h, 2);
      if (!Pte.present(pmd) || !Pte.huge(pmd)) {
        continue;
      }
      long e = pmd & ~Pte.ACCESSED;
      if (!parent.hugetlb.shared && (pmd & Pte.RW) != 0) {
        pageTable.writeHugePmd(pm.root(), h, pmd & ~Pte.RW);
        pageTable.flushTlbMm(pm.root());
        e &= ~Pte.RW;
      }
      if (!pageTable.writeHugePmd(cm.root(), h, e)) {
        return false;
      }
      get(Pte.pfn(pmd) & ~(long) (NR - 1));
    }
    return true;
  }

  /**
   * A shared object no live area maps any more is gone (the unlinked hugetlbfs file's last
   * reference): its pages' cache references drop and its unused reservations return.
   */
  void dropUnmapped(Iterable<Task> live) {
    if (sharedInodes.isEmpty()) {
      return;
    }
    Set<Inode> mapped = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Task t : live) {
      for (VmAreaStruct v : t.mm.areas()) {
        if (v.hugetlb != null && v.hugetlb.shared) {
          mapped.add(v.hugetlb);
        }
      }
    }
    for (java.util.Iterator<Inode> it = sharedInodes.iterator(); it.hasNext(); ) {
      Inode i = it.next();
      if (mapped.contains(i)) {
        continue;
      }
      it.remove();
      for (int k = 0; k < i.pages.length; k++) {
        if (i.pages[k] >= 0) {
          put(i.pages[k]);
        }
        if (i.reserved[k]) {
          resv--;
        }
      }
    }
  }

  // ------------------------------------------------------------------ invariants

  /**
   * Compares the pool's counts and every page's references with {@code mappings} (huge entries
   * found in hugetlb areas, by head frame) plus the shared objects' pages.
   */
  void check(Map<Long, Integer> mappings) {
    Map<Long, Integer> want = new HashMap<>(mappings);
    long reservedBits = 0;
    for (Inode i : sharedInodes) {
      for (int k = 0; k < i.pages.length; k++) {
        if (i.pages[k] >= 0) {
          want.merge(i.pages[k], 1, Integer::sum);
        }
        reservedBits += i.reserved[k] ? 1 : 0;
      }
    }
    if (!want.equals(refs)) {
      throw new AssertionError("hugetlb page references " + refs + " but found " + want);
    }
    long freeListed = 0;
    long total = 0;
    for (int nid = 0; nid < freeLists.size(); nid++) {
      freeListed += freeLists.get(nid).size();
      total += nrNode[nid];
    }
    if (freeListed != free || total != nr || free + refs.size() != nr || resv > free) {
      throw new AssertionError(
          String.format(
              "hugetlb pool: total %d (nodes %d), free %d (lists %d), in use %d, reserved %d",
              nr, total, free, freeListed, refs.size(), resv));
    }
    if (reservedBits > resv) {
      throw new AssertionError(
          "hugetlb: shared objects hold " + reservedBits + " reservations, HugePages_Rsvd " + resv);
    }
  }
}
