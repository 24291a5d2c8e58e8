package io.mmsim.kernel.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.mmsim.api.fault.FileBacking;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Page;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.SwapSystem;

/*
 * Shared anonymous memory under reclaim (mm/shmem.c: shmem_writeout, shmem_swapin_folio,
 * shmem_undo_range). Shmem pages are swap-backed, so reclaim treats them as anonymous pages; what
 * differs is where the swap entry goes:
 *
 *   swap-out  reclaim allocated a slot and put the page in the swap cache; the kernel clears the
 *             page's PTEs (shmem PTEs never hold swap entries), takes the page out of the page
 *             cache and stores the entry in the shmem object in its place, holding one count of
 *             the slot; the swap system then writes the page and frees it (or keeps it in the
 *             swap cache, dirty, when the write fails)
 *   swap-in   a not-present fault on a page the object holds as an entry: the page is found in
 *             the swap cache or read into a new frame (a major fault), moves back into the page
 *             cache, and the object's count of the slot is dropped, which frees the slot
 *   drop      when no live area maps an object any more, its entries are freed with its pages
 *
 * A shmem page mapped by other processes that leaves one process's resident set (rss.limit) only
 * loses that mapping: the page stays in the page cache for the others.
 *
 * Not thread-safe: the kernel facade serialises calls.
 */
final class Shmem {
  /** {@link #swapIn}: the page was not swapped out. */
  static final int NOT_SWAPPED = 0;

  /** {@link #swapIn}: the page came back from the swap cache without I/O. */
  static final int FROM_CACHE = 1;

  /** {@link #swapIn}: the page was read from its swap slot (a major fault). */
  static final int READ = 2;

  /** {@link #swapIn}: no frame for the page, even after direct reclaim. */
  static final int NO_MEMORY = 3;

  /** {@link #swapIn}: reading the slot failed. */
  static final int IO_ERROR = 4;

  private final PageRefs refs;
  private final Vmscan vmscan;
  private final List<ShmemFile> objects = new ArrayList<>();
  private long swappedPages;

  Shmem(PageRefs refs, Vmscan vmscan) {
    this.refs = refs;
    this.vmscan = vmscan;
  }

  /** A new shmem object of {@code size} bytes. */
  ShmemFile create(long id, long size) {
    ShmemFile f = new ShmemFile(id, size);
    objects.add(f);
    return f;
  }

  /** Pages of every object that are swapped out (the swap entries shmem holds). */
  long swappedPages() {
    return swappedPages;
  }

  /** True for a page of a shmem object in the page cache. */
  boolean isShmemPage(long pfn) {
    FileBacking f = refs.cache().fileOf(pfn);
    return f != null && f.shmem();
  }

  /**
   * Reclaim unmapped every mapping of shmem page {@code pfn}, which the swap cache holds for {@code
   * entry}: the object keeps the entry in place of the page ({@code shmem_writeout}).
   */
  void moveToSwap(long pfn, long entry) {
    long e = entry & ~Pte.SWP_EXCLUSIVE;
    ShmemFile f = (ShmemFile) refs.cache().fileOf(pfn);
    long offset = refs.cache().offsetOf(pfn);
    vmscan.swap().swapDuplicate(e);
    f.setSwapEntry(offset, e);
    swappedPages++;
    refs.cache().remove(pfn);
    refs.putPage(pfn); // the page cache's reference; the swap cache's keeps the frame
  }

  /**
   * Brings back the page of {@code mm} at {@code addr} when it belongs to a shmem object that holds
   * it as a swap entry ({@code shmem_swapin_folio}); the fault handlers then find it in the page
   * cache.
   *
   * @return {@link #NOT_SWAPPED}, {@link #FROM_CACHE}, {@link #READ}, {@link #NO_MEMORY} or {@link
   *     #IO_ERROR}
   */
  int swapIn(MmStruct mm, long addr) {
    VmAreaStruct v = mm.find(addr);
    if (v == null || !(v.file instanceof ShmemFile f)) {
      return NOT_SWAPPED;
    }
    long offset = v.fileOffset + ((addr & ~Page.PAGE_OFFSET_MASK) - v.start);
    long entry = f.swapEntry(offset);
    if (entry == 0) {
      return NOT_SWAPPED;
    }
    SwapSystem swap = vmscan.swap();
    long pfn = swap.lookupSwapCache(entry);
    int how = FROM_CACHE;
    if (pfn == SwapSystem.NO_PAGE) {
      pfn = refs.allocPage(Gfp.HIGHUSER_MOVABLE);
      if (pfn == PageAllocator.NO_PAGE && vmscan.directReclaim() > 0) {
        pfn = refs.allocPage(Gfp.HIGHUSER_MOVABLE);
      }
      if (pfn == PageAllocator.NO_PAGE) {
        return NO_MEMORY;
      }
      if (!swap.readIntoSwapCache(entry, pfn)) {
        refs.freeUnused(pfn);
        return IO_ERROR;
      }
      how = READ;
    }
    refs.cacheInsert(f, offset, pfn);
    f.clearSwapEntry(offset);
    swappedPages--;
    // the object's count of the slot goes: the unmapped swap-cache page and its slot are freed,
    // the frame stays with the page cache's reference
    swap.swapFree(entry);
    return how;
  }

  /** Objects no live area maps any more give back their swap entries and go. */
  void dropNotIn(Set<FileBacking> mapped) {
    for (int i = objects.size() - 1; i >= 0; i--) {
      ShmemFile f = objects.get(i);
      if (mapped.contains(f)) {
        continue;
      }
      if (f.swappedPages() > 0) {
        for (long e : f.swapEntries()) {
          vmscan.swap().swapFree(e);
        }
        swappedPages -= f.swappedPages();
      }
      objects.remove(i);
    }
  }

  /** The swap entries every object holds (for invariant checks). */
  List<Long> heldEntries() {
    List<Long> out = new ArrayList<>();
    for (ShmemFile f : objects) {
      for (long e : f.swapEntries()) {
        out.add(e);
      }
    }
    return out;
  }

  /** The number of live objects (for invariant checks). */
  int objectCount() {
    return objects.size();
  }
}
