package io.mmsim.kernel.mm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.mmsim.api.fault.FileBacking;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.SwapSystem;

/*
 * The areas of an address space and what changing them does to the page tables (mm/mmap.c:
 * do_mmap, do_vmi_munmap, do_brk_flags, exit_mmap; mm/mprotect.c: mprotect_fixup; mm/memory.c:
 * zap_pte_range, copy_page_range; kernel/fork.c: dup_mmap).
 *
 *   mmap      a new area, top-down below MMAP_BASE, or at a MAP_FIXED address (what was there is
 *             unmapped first); nothing is mapped until a fault (or MAP_POPULATE, run by the
 *             facade through the fault loop)
 *   munmap    the areas in the range are cut (split at its ends), their PTEs zapped, the emptied
 *             page tables freed
 *   mprotect  the range is split into an area of its own, its present PTEs rewritten (write
 *             permission only ever removed: a write fault decides again, as do_wp_page does)
 *   brk       the [heap] area grows or shrinks at its end
 *   zap       each present PTE drops its mapping (rmap, reference, RSS); a dirty PTE of a shared
 *             file mapping writes its page back; each swap PTE frees its slot reference
 *   dup_mmap  fork: every area copied, private writable PTEs write-protected in both (copy on
 *             write), swap PTEs shared (neither side exclusive)
 *
 * Not thread-safe: the kernel facade serialises calls.
 */
final class Mmap {
  private final PageTable pageTable;
  private final PageRefs refs;
  private final Vmscan vmscan;
  private final Shmem shmem;
  private final int cpus;
  private final HugeMemory huge;
  private final Hugetlb hugetlb;
  private long shmemIds;
  private DiskFiles diskFiles = new DiskFiles(false);

  Mmap(
      PageTable pageTable,
      PageRefs refs,
      Vmscan vmscan,
      Shmem shmem,
      int cpus,
      HugeMemory huge,
      Hugetlb hugetlb) {
    this.hugetlb = hugetlb;
    this.pageTable = pageTable;
    this.refs = refs;
    this.vmscan = vmscan;
    this.shmem = shmem;
    this.cpus = cpus;
    this.huge = huge;
  }

  /** The disk behind file mappings. */
  DiskFiles diskFiles() {
    return diskFiles;
  }

  /** Uses {@code disk} for the files mapped from now on. */
  void setDiskFiles(DiskFiles disk) {
    this.diskFiles = disk;
  }

  // ------------------------------------------------------------------ mmap

  /**
   * Maps {@code length} bytes ({@code mmap}) in {@code mm}.
   *
   * @param file the file to map, or null for anonymous memory
   * @param fixed the address for MAP_FIXED, or -1 to let the kernel choose (top-down)
   * @param htlb MAP_HUGETLB: anonymous memory from the hugetlb pool
   * @return the start address
   */
  long mmap(
      MmStruct mm,
      long length,
      int prot,
      Path file,
      long offset,
      boolean shared,
      long fixed,
      boolean htlb) {
    // the checks of do_mmap and __get_unmapped_area, in their order, before anything changes
    if (length <= 0) {
      throw new IllegalArgumentException("mmap: length " + length + " must be positive (EINVAL)");
    }
    if (length > Processes.STACK_TOP - Processes.MMAP_MIN_ADDR) {
      throw new IllegalArgumentException(
          "mmap: length " + length + " is larger than the user address space (ENOMEM)");
    }
    long len = Page.pagesFor(length) << Page.PAGE_SHIFT;
    if (htlb) {
      if (file != null) {
        throw new IllegalArgumentException(
            "mmap: hugetlb maps anonymous huge pages, not a file (EINVAL)");
      }
      // ksys_mmap_pgoff: the length is aligned to the huge page size
      len = (len + Hugetlb.HPAGE_SIZE - 1) & Hugetlb.HPAGE_MASK;
    }
    if ((offset & Page.PAGE_OFFSET_MASK) != 0 || offset < 0) {
      throw new IllegalArgumentException(
          "mmap: file offset " + offset + " is not a multiple of the page size (EINVAL)");
    }
    if (offset > Long.MAX_VALUE - len) {
      throw new IllegalArgumentException(
          "mmap: file offset " + offset + " + " + len + " bytes overflows (EOVERFLOW)");
    }
    if (fixed != -1) {
      if (Long.compareUnsigned(fixed, Processes.STACK_TOP - len) > 0) {
        throw new IllegalArgumentException(
            String.format(
                "mmap: MAP_FIXED range [0x%x, +%d) is not in user space (ENOMEM)", fixed, len));
      }
      if ((fixed & Page.PAGE_OFFSET_MASK) != 0) {
        throw new IllegalArgumentException(
            String.format("mmap: MAP_FIXED address 0x%x is not page-aligned (EINVAL)", fixed));
      }
      if (fixed < Processes.MMAP_MIN_ADDR) {
        throw new IllegalArgumentException(
            String.format(
                "mmap: MAP_FIXED address 0x%x is below vm.mmap_min_addr 0x%x (EPERM)",
                fixed, Processes.MMAP_MIN_ADDR));
      }
      if (htlb && (fixed & ~Hugetlb.HPAGE_MASK) != 0) {
        // hugetlb_get_unmapped_area -> prepare_hugepage_range
        throw new IllegalArgumentException(
            String.format(
                "mmap: MAP_FIXED address 0x%x is not aligned to the huge page size 2M (EINVAL)",
                fixed));
      }
    }
    if (htlb) {
      // hugetlbfs_file_mmap -> hugetlb_reserve_pages: every huge page reserved now
      hugetlb.checkReserve(len / Hugetlb.HPAGE_SIZE, len);
    }
    if (fixed != -1) {
      // what MAP_FIXED replaces is unmapped as munmap would
      checkHugetlbSplit(mm, "mmap", fixed, fixed + len);
    }
    boolean mayWrite = true;
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("mmap: " + file + " is not a regular file (ENODEV)");
      }
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException("mmap: cannot open " + file + " for reading (EACCES)");
      }
      // the file is opened for writing when the user may write it; a shared mapping of a file
      // opened read-only may never become writable (do_mmap clears VM_MAYWRITE)
      mayWrite = !shared || diskFiles.writable(file);
      if ((prot & Prot.WRITE) != 0 && !mayWrite) {
        throw new IllegalArgumentException(
            "mmap: "
                + file
                + " is not writable by this user: a shared mapping with write permission"
                + " needs it (EACCES)");
      }
    }
    long start = fixed;
    if (fixed == -1
        && (htlb
            || file == null
                && !shared
                && this.huge.enabled() == HugeMemory.Enabled.ALWAYS
                && len % HugeMemory.HPAGE_PMD_SIZE == 0)) {
      // thp_get_unmapped_area (and hugetlb_get_unmapped_area): a gap one huge page longer, its
      // start rounded up to 2 MiB, so that every 2 MiB of the area can be a huge page (for THP
      // done only with thp.enabled=always, so that other settings keep the classic layout)
      long gap =
          mm.findGapTopDown(
              len + HugeMemory.HPAGE_PMD_SIZE, Processes.MMAP_MIN_ADDR, Processes.MMAP_BASE);
      if (gap < 0) {
        throw new IllegalArgumentException("mmap: no room for " + len + " bytes (ENOMEM)");
      }
      start = (gap + HugeMemory.HPAGE_PMD_SIZE - 1) & HugeMemory.HPAGE_PMD_MASK;
    } else if (fixed == -1) {
      start = mm.findGapTopDown(len, Processes.MMAP_MIN_ADDR, Processes.MMAP_BASE);
      if (start < 0) {
        throw new IllegalArgumentException("mmap: no room for " + len + " bytes (ENOMEM)");
      }
    }
    // every check passed: from here on the call changes the address space
    FileBacking backing = null;
    if (file != null) {
      backing = diskFiles.open(file);
    } else if (shared && !htlb) {
      backing = shmem.create(++shmemIds, len);
    }
    if (fixed != -1) {
      for (VmAreaStruct v : mm.intersecting(start, start + len)) {
        unmapArea(mm, v, start, start + len);
      }
    }
    VmAreaStruct area =
        new VmAreaStruct(
            start,
            start + len,
            prot,
            shared,
            backing,
            offset,
            htlb ? Hugetlb.ANON_NAME : "",
            mayWrite);
    if (htlb) {
      area.hugetlb = hugetlb.newInode((int) (len / Hugetlb.HPAGE_SIZE), shared);
    }
    mm.insert(area);
    huge.enterVma(mm, area);
    return start;
  }

  /**
   * {@code hugetlb_vm_op_split}: a hugetlb area may be cut only at a 2 MiB boundary (EINVAL),
   * checked before anything changes.
   */
  private static void checkHugetlbSplit(MmStruct mm, String op, long addr, long end) {
    for (VmAreaStruct v : mm.intersecting(addr, end)) {
      if (v.hugetlb != null
          && ((addr > v.start && (addr & ~Hugetlb.HPAGE_MASK) != 0)
              || (end < v.end && (end & ~Hugetlb.HPAGE_MASK) != 0))) {
        throw new IllegalArgumentException(
            String.format(
                "%s: [0x%x, 0x%x) would cut the hugetlb area [0x%x, 0x%x) off a 2M boundary"
                    + " (EINVAL)",
                op, addr, end, v.start, v.end));
      }
    }
  }

  /** Removes the mappings of {@code [addr, addr + length)} ({@code munmap}). */
  void munmap(MmStruct mm, long addr, long length) {
    checkRange("munmap", addr, length);
    long end = addr + (Page.pagesFor(length) << Page.PAGE_SHIFT);
    checkHugetlbSplit(mm, "munmap", addr, end);
    for (VmAreaStruct v : mm.intersecting(addr, end)) {
      unmapArea(mm, v, addr, end);
    }
    pageTable.freeEmptyTables(mm.root(), addr, end);
  }

  /**
   * The areas of {@code [addr, end)}, which must leave no hole in it; else refused with {@code
   * errno} (ENOMEM for mprotect and madvise, EFAULT for mbind), before anything changes.
   */
  private static List<VmAreaStruct> whollyMapped(
      MmStruct mm, String op, long addr, long end, String errno) {
    List<VmAreaStruct> hit = mm.intersecting(addr, end);
    long covered = 0;
    for (VmAreaStruct v : hit) {
      covered += Math.min(end, v.end) - Math.max(addr, v.start);
    }
    if (covered != end - addr) {
      throw new IllegalArgumentException(
          String.format("%s: [0x%x, 0x%x) is not wholly mapped (%s)", op, addr, end, errno));
    }
    return hit;
  }

  /** Changes the protection of {@code [addr, addr + length)} ({@code mprotect}). */
  void mprotect(MmStruct mm, long addr, long length, int prot) {
    checkRange("mprotect", addr, length);
    long end = addr + (Page.pagesFor(length) << Page.PAGE_SHIFT);
    List<VmAreaStruct> hit = whollyMapped(mm, "mprotect", addr, end, "ENOMEM");
    checkHugetlbSplit(mm, "mprotect", addr, end);
    for (VmAreaStruct v : hit) {
      if ((prot & Prot.WRITE) != 0 && !v.mayWrite) {
        throw new IllegalArgumentException(
            String.format(
                "mprotect: [0x%x, 0x%x) maps %s shared, opened without write access (EACCES)",
                v.start, v.end, v.name()));
      }
    }
    for (VmAreaStruct v : hit) {
      VmAreaStruct mid = split(mm, v, Math.max(addr, v.start), Math.min(end, v.end));
      mid.prot = prot;
      // a THP the new protection covers in part becomes 4 KiB pages first
      huge.splitPartial(mm, mid.start, mid.end);
      pageTable.walkRange(
          mm.root(),
          mid.start,
          mid.end,
          (linear, pte) -> {
            if (!Pte.present(pte)) {
              return;
            }
            if (Pte.huge(pte)) {
              // change_huge_pmd: the whole 2 MiB takes the new protection
              pageTable.writeHugePmd(mm.root(), linear, protect(pte, prot));
              pageTable.flushTlbMm(mm.root());
              return;
            }
            long p = protect(pte, prot);
            if (p != pte) {
              pageTable.writePte(mm.root(), linear, p);
              pageTable.flushTlbPage(linear);
            }
          });
    }
  }

  /** A present entry with the rights of {@code prot} ({@code change_pte_range}'s bits). */
  private static long protect(long pte, int prot) {
    long p = pte;
    if ((prot & Prot.WRITE) == 0) {
      p &= ~Pte.RW;
    }
    p = (prot & Prot.EXEC) != 0 ? p & ~Pte.NX : p | Pte.NX;
    return (prot & (Prot.READ | Prot.WRITE | Prot.EXEC)) == 0 ? p & ~Pte.USER : p | Pte.USER;
  }

  /**
   * {@code madvise(MADV_HUGEPAGE)} ({@code hugepage} true) or {@code MADV_NOHUGEPAGE}: the areas of
   * the range are cut to it and flagged; THPs already mapped stay.
   *
   * @throws IllegalArgumentException when the range is not wholly mapped (ENOMEM)
   */
  void madvise(MmStruct mm, long addr, long length, boolean hugepage) {
    checkRange("madvise", addr, length);
    long end = addr + (Page.pagesFor(length) << Page.PAGE_SHIFT);
    List<VmAreaStruct> hit = whollyMapped(mm, "madvise", addr, end, "ENOMEM");
    checkHugetlbSplit(mm, "madvise", addr, end);
    for (VmAreaStruct v : hit) {
      VmAreaStruct mid = split(mm, v, Math.max(addr, v.start), Math.min(end, v.end));
      // vma_adjust_trans_huge: no THP may straddle the new area's ends
      huge.splitPartial(mm, mid.start, mid.end);
      mid.hugepage = hugepage;
      mid.noHugepage = !hugepage;
      huge.enterVma(mm, mid);
    }
  }

  /**
   * {@code mbind} without {@code MPOL_MF_MOVE}: the policy of the areas in {@code [addr, addr +
   * length)} (split at the range's ends), for pages faulted in from now on; {@code default} gives
   * them back to the task's policy.
   */
  void mbind(MmStruct mm, long addr, long length, Mempolicy pol) {
    checkRange("mbind", addr, length);
    long end = addr + (Page.pagesFor(length) << Page.PAGE_SHIFT);
    List<VmAreaStruct> hit = whollyMapped(mm, "mbind", addr, end, "EFAULT");
    checkHugetlbSplit(mm, "mbind", addr, end);
    for (VmAreaStruct v : hit) {
      VmAreaStruct mid = split(mm, v, Math.max(addr, v.start), Math.min(end, v.end));
      mid.mempolicy = pol.mode() == Mempolicy.Mode.DEFAULT ? null : pol;
    }
    int n = 0;
    for (VmAreaStruct v : mm.areas()) {
      n += v.mempolicy != null ? 1 : 0;
    }
    mm.areaPolicies = n;
  }

  /** Sets the heap to {@code size} bytes from its start ({@code brk}). */
  void brk(MmStruct mm, long size) {
    if (size < 0) {
      throw new IllegalArgumentException("brk: size " + size + " is negative (EINVAL)");
    }
    if (size > Processes.STACK_TOP - mm.startBrk - Page.PAGE_SIZE) {
      // the break may not pass the top of user space; the kernel leaves it where it was
      throw new IllegalArgumentException(
          String.format(
              "brk: %d bytes from 0x%x pass the top of user space (ENOMEM)", size, mm.startBrk));
    }
    long newBrk = mm.startBrk + (Page.pagesFor(size) << Page.PAGE_SHIFT);
    long oldBrk = mm.brk;
    if (newBrk > oldBrk) {
      if (!mm.isFree(oldBrk, newBrk)) {
        throw new IllegalArgumentException(
            String.format(
                "brk: the heap cannot grow to 0x%x: something is mapped there (ENOMEM)", newBrk));
      }
      VmAreaStruct heap = oldBrk > mm.startBrk ? mm.find(oldBrk - 1) : null;
      if (heap != null && "[heap]".equals(heap.name)) {
        mm.remove(heap);
        heap.end = newBrk;
        mm.insert(heap);
      } else {
        heap = new VmAreaStruct(oldBrk, newBrk, Prot.READ | Prot.WRITE, false, null, 0, "[heap]");
        mm.insert(heap);
      }
      huge.enterVma(mm, heap);
    } else if (newBrk < oldBrk) {
      for (VmAreaStruct v : mm.intersecting(newBrk, oldBrk)) {
        unmapArea(mm, v, newBrk, oldBrk);
      }
    }
    mm.brk = newBrk;
  }

  private static void checkRange(String op, long addr, long length) {
    // written so that no sum can wrap: addr + length may exceed Long.MAX_VALUE
    if ((addr & Page.PAGE_OFFSET_MASK) != 0
        || length <= 0
        || addr < 0
        || addr > Processes.STACK_TOP
        || length > Processes.STACK_TOP - addr) {
      throw new IllegalArgumentException(
          String.format(
              "%s: [0x%x, +%d) is not a page-aligned user range (EINVAL)", op, addr, length));
    }
  }

  /** Splits {@code v} so that {@code [from, to)} is an area of its own, and returns it. */
  private static VmAreaStruct split(MmStruct mm, VmAreaStruct v, long from, long to) {
    if (from == v.start && to == v.end) {
      return v;
    }
    mm.remove(v);
    if (v.start < from) {
      mm.insert(v.slice(v.start, from));
    }
    if (to < v.end) {
      mm.insert(v.slice(to, v.end));
    }
    VmAreaStruct mid = v.slice(from, to);
    mm.insert(mid);
    return mid;
  }

  private void unmapArea(MmStruct mm, VmAreaStruct v, long from, long to) {
    long s = Math.max(from, v.start);
    long e = Math.min(to, v.end);
    huge.splitPartial(mm, s, e);
    zapRange(mm, v, s, e);
    mm.remove(v);
    if (v.start < s) {
      mm.insert(v.slice(v.start, s));
    }
    if (e < v.end) {
      mm.insert(v.slice(e, v.end));
    }
  }

  /** Clears every entry of {@code [start, end)} in {@code v} ({@code zap_pte_range}). */
  private void zapRange(MmStruct mm, VmAreaStruct v, long start, long end) {
    if (v.hugetlb != null) {
      hugetlb.zap(mm, v, start, end);
      return;
    }
    SwapSystem swap = vmscan.swap();
    long zeroPfn = refs.zeroPfn();
    pageTable.walkRange(
        mm.root(),
        start,
        end,
        (linear, pte) -> {
          if (Pte.huge(pte)) {
            huge.zap(mm, linear);
            return;
          }
          if (!Pte.present(pte)) {
            pageTable.writePte(mm.root(), linear, 0);
            if (swap != null && Pte.isSwap(pte)) {
              swap.swapFree(pte);
              mm.swapEnts--;
            }
            return;
          }
          long pfn = Pte.pfn(pte);
          if ((pte & Pte.DIRTY) != 0 && v.shared && v.file != null && !v.file.shmem()) {
            // MAP_SHARED writes reach the file when the mapping goes (munmap, exit)
            refs.writeBack(pfn);
          }
          pageTable.writePte(mm.root(), linear, 0);
          pageTable.flushTlbPage(linear);
          if (pfn != zeroPfn) {
            refs.removeMapping(mm, linear >>> Page.PAGE_SHIFT, pfn, true);
          }
        });
  }

  // ------------------------------------------------------------------ fork and exit

  /**
   * Copies {@code pm}'s areas and entries into the new address space {@code cm} ({@code dup_mmap}):
   * private writable pages become read-only in both and are shared until one side writes.
   *
   * @return false when a page-table frame could not be had; {@code cm} is then partly filled and
   *     the caller tears it down
   */
  boolean dupMmap(MmStruct pm, MmStruct cm) {
    SwapSystem swap = vmscan.swap();
    long zeroPfn = refs.zeroPfn();
    long root = cm.root();
    boolean[] failed = {false};
    for (VmAreaStruct v : pm.areas()) {
      if (v.hugetlb != null) {
        VmAreaStruct c = v.copy();
        cm.insert(c);
        if (!hugetlb.dup(pm, cm, v, c)) {
          return false;
        }
        continue;
      }
      // the parent's THPs become 4 KiB pages, shared copy-on-write like any other
      huge.splitAll(pm, v.start, v.end);
      cm.insert(v.copy());
      boolean cow = !v.shared && (v.prot & Prot.WRITE) != 0;
      pageTable.walkRange(
          pm.root(),
          v.start,
          v.end,
          (linear, pte) -> {
            if (failed[0]) {
              return;
            }
            if (!Pte.present(pte)) {
              // a swap entry: both sides now hold the slot, neither exclusively
              long shared = pte & ~Pte.SWP_EXCLUSIVE;
              if (!pageTable.writePte(root, linear, shared)) {
                failed[0] = true;
                return;
              }
              pageTable.writePte(pm.root(), linear, shared);
              swap.swapDuplicate(pte);
              cm.swapEnts++;
              return;
            }
            long pfn = Pte.pfn(pte);
            long childPte = pte & ~Pte.ACCESSED;
            if (cow && (pte & Pte.RW) != 0) {
              pageTable.writePte(pm.root(), linear, pte & ~Pte.RW);
              pageTable.flushTlbPage(linear);
              childPte &= ~Pte.RW;
            }
            if (v.shared) {
              childPte &= ~Pte.DIRTY;
              if ((pte & Pte.DIRTY) != 0) {
                refs.setDirty(pfn);
              }
            }
            if (!pageTable.writePte(root, linear, childPte)) {
              failed[0] = true;
              return;
            }
            if (pfn != zeroPfn) {
              refs.addRmap(cm, linear >>> Page.PAGE_SHIFT, pfn);
            }
          });
      if (failed[0]) {
        return false;
      }
    }
    huge.fork(pm, cm);
    return true;
  }

  /** Unmaps every area and frees the page tables ({@code exit_mmap}). */
  void exitMmap(MmStruct mm) {
    for (VmAreaStruct v : mm.areas()) {
      zapRange(mm, v, v.start, v.end);
      mm.remove(v);
    }
    pageTable.destroyAddressSpace(mm.root());
    for (int c = 0; c < cpus; c++) {
      Mmu m = pageTable.mmu(c);
      if (m.cr3() == mm.root()) {
        m.loadCr3(pageTable.kernelRoot());
      }
    }
  }

  /**
   * Pages committed by private writable mappings of {@code mm} (its share of meminfo Committed_AS;
   * what the kernel charges as {@code VM_ACCOUNT}).
   */
  static long committedPages(MmStruct mm) {
    long n = 0;
    for (VmAreaStruct v : mm.areas()) {
      if (!v.shared && (v.prot & Prot.WRITE) != 0 && v.hugetlb == null) {
        n += (v.end - v.start) >>> Page.PAGE_SHIFT;
      }
    }
    return n;
  }
}
