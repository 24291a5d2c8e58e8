package io.mmsim.kernel.mm;

import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.mmsim.api.fault.FileBacking;
import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.reclaim.ShadowTable;
import io.mmsim.api.swap.ReclaimContext;
import io.mmsim.api.swap.SwapSystem;

/*
 * Page references and the reverse map of user frames (mm/rmap.c: folio_add_new_anon_rmap,
 * folio_add_file_rmap_pte, folio_remove_rmap_pte; include/linux/mm.h: get_page, put_page).
 *
 * Each user frame has a reference count (page_count): one per page-table mapping, one held by the
 * page cache for file pages, one held by the swap cache. The mappings themselves are in the
 * reverse map (Rmap), whose size per frame is the map count (page_mapcount). A frame is freed when
 * its count reaches zero; a file page is dropped (written back first when dirty) when no mapping
 * is left; a swap-cache page that loses its last mapping is handed to the swap system. The shared
 * zero page lives in the kernel image and is never counted.
 *
 * Every mapping change also keeps the counters the /proc views and the OOM killer read: a
 * process's RSS by kind (MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES), the machine's mapped
 * anonymous and file frames (NR_ANON_MAPPED, NR_FILE_MAPPED), and the replacement policies'
 * resident sets: the global one (keys are PFNs: a frame is resident while mapped at least once)
 * and a process's own under rss.limit (keys are virtual page numbers: a page is resident while
 * its PTE maps a counted frame; a copy-on-write changes the frame, not the residency).
 *
 * Not thread-safe: the kernel facade serialises calls.
 */
final class PageRefs {
  private final PageAllocator pages;
  private final PageTable pageTable;
  private final PhysicalMemory memory;
  private final long zeroPfn;
  private final PageCounts refs;
  private final Rmap rmap;
  private final BitSet dirty = new BitSet();
  private final PageCache cache = new PageCache();
  private SwapSystem swap;
  private Lruvecs global;

  /** Anonymous frames with at least one mapping ({@code NR_ANON_MAPPED}). */
  private long anonMapped;

  /** File frames with at least one mapping ({@code NR_FILE_MAPPED}). */
  private long fileMapped;

  /** The frame the current access inserted into the global policy, or -1. */
  long globalInserted = -1;

  /** The shadow entry the file page reclaim is evicting leaves in its slot, or none. */
  long evictShadow = ShadowTable.NONE;

  private Workingset workingset;

  /** The CPU whose per-CPU lists frames are taken from and freed to. */
  int cpu;

  PageRefs(
      PageAllocator pages,
      PageTable pageTable,
      PhysicalMemory memory,
      Memmap memmap,
      long zeroPfn) {
    this.pages = pages;
    this.pageTable = pageTable;
    this.memory = memory;
    this.zeroPfn = zeroPfn;
    this.refs = new PageCounts(Math.toIntExact(memory.frames()));
    this.rmap = new Rmap(memmap);
  }

  /** Reclaim is on: the swap system and each node's global policy (null when none can be). */
  void setReclaim(SwapSystem swap, Lruvecs global) {
    this.swap = swap;
    this.global = global;
  }

  /** Where refaults are reported (workingset detection). */
  void setWorkingset(Workingset workingset) {
    this.workingset = workingset;
  }

  /** The LRU a page goes on: shmem is swap-backed and goes with anonymous pages. */
  private int lruType(long pfn) {
    return kindOf(pfn) == ReclaimContext.FILE
        ? ReplacementPolicy.TYPE_FILE
        : ReplacementPolicy.TYPE_ANON;
  }

  long zeroPfn() {
    return zeroPfn;
  }

  Rmap rmap() {
    return rmap;
  }

  /** The page allocator user frames come from (for invariant checks). */
  PageAllocator pages() {
    return pages;
  }

  PageCache cache() {
    return cache;
  }

  // ------------------------------------------------------------------ references

  /** Adds a reference to a user frame (the swap cache's). */
  void getPage(long pfn) {
    refs.inc((int) pfn);
  }

  /** Drops a reference to a user frame; at zero the frame goes back to the page allocator. */
  void putPage(long pfn) {
    int r = refs.dec((int) pfn);
    if (r == 0) {
      if (rmap.count(pfn) != 0) {
        throw new AssertionError("pfn " + pfn + " freed while mapped " + rmap.count(pfn));
      }
      dirty.clear((int) pfn);
      pages.freePages(cpu, pfn, 0);
    }
  }

  /** The reference count of a user frame ({@code page_count}); the zero page is never freed. */
  int pageCount(long pfn) {
    return pfn == zeroPfn ? Integer.MAX_VALUE : refs.get((int) pfn);
  }

  /**
   * The number of page-table mappings of a frame ({@code page_mapcount}); 0 for a frame the process
   * side does not hold, whose words are another owner's.
   */
  int mapCount(long pfn) {
    return refs.held((int) pfn) ? rmap.count(pfn) : 0;
  }

  /** A frame for user memory from the page allocator, or {@code NO_PAGE}; no reclaim. */
  long allocPage(int gfp) {
    return pages.allocPages(cpu, gfp, 0);
  }

  /** Gives back a frame that was never announced, mapped or cached. */
  void freeUnused(long pfn) {
    pages.freePages(cpu, pfn, 0);
  }

  /** True for an anonymous page ({@code PageAnon}): not the zero page, not in the page cache. */
  boolean pageAnon(long pfn) {
    return pfn != zeroPfn && !cache.contains(pfn);
  }

  /** A fresh anonymous page mapped once at {@code vpn}: its count becomes 1. */
  void addNewAnon(MmStruct mm, long vpn, long pfn) {
    if (refs.held((int) pfn)) {
      throw new AssertionError("new anonymous page " + pfn + " already has references");
    }
    refs.setOne((int) pfn);
    addMapping(mm, vpn, pfn);
  }

  /** One more mapping of a page the kernel knows, with its reference. */
  void addRmap(MmStruct mm, long vpn, long pfn) {
    if (pfn == zeroPfn) {
      return;
    }
    refs.inc((int) pfn);
    addMapping(mm, vpn, pfn);
  }

  /** A frame that holds references already (the swap cache's) enters the page cache too. */
  void cacheInsert(FileBacking file, long offset, long pfn) {
    cache.add(file, offset, pfn);
    refs.inc((int) pfn);
  }

  /** A frame just read into the page cache: the cache's reference. */
  void cacheAdd(FileBacking file, long offset, long pfn) {
    cache.add(file, offset, pfn);
    refs.setOne((int) pfn);
  }

  // ------------------------------------------------------------------ mappings

  private void account(MmStruct mm, long pfn, int delta) {
    if (!cache.contains(pfn)) {
      mm.anonRss += delta;
    } else if (cache.fileOf(pfn).shmem()) {
      mm.shmemRss += delta;
    } else {
      mm.fileRss += delta;
    }
    if (delta > 0) {
      mm.updateHiwaterRss();
    }
  }

  /**
   * A new mapping of {@code pfn} at page {@code vpn} of {@code mm}; the reference is the caller's.
   */
  void addMapping(MmStruct mm, long vpn, long pfn) {
    boolean first = rmap.count(pfn) == 0;
    rmap.add(pfn, mm.pid(), vpn);
    account(mm, pfn, 1);
    if (first) {
      if (cache.contains(pfn)) {
        fileMapped++;
      } else {
        anonMapped++;
      }
    }
    int type = lruType(pfn);
    if (first && global != null) {
      global.of(pfn).insert(pfn, type);
      globalInserted = pfn;
    }
    if (mm.policy != null && !mm.policy.contains(vpn)) {
      // a copy-on-write maps the new frame before it drops the old one: the page at vpn stays
      // resident, only its frame changes
      mm.policy.insert(vpn, type);
      mm.insertedVpn = vpn;
    }
    if (first && workingset != null) {
      // a page read back from swap or from its file: the shadow its slot held goes to the policy
      // that evicted it (mm/workingset.c: workingset_refault)
      long shadow =
          type == ReplacementPolicy.TYPE_FILE
              ? cache.takeRefaultShadow(pfn)
              : swap != null ? swap.takeRefaultShadow(pfn) : ShadowTable.NONE;
      if (shadow != ShadowTable.NONE) {
        workingset.refault(global == null ? null : global.of(pfn), mm, vpn, pfn, type, shadow);
      }
    }
  }

  /**
   * True when the PTE at {@code vpn} already maps another counted frame than {@code pfn}: the
   * mapping being dropped was replaced (copy-on-write), so the page at {@code vpn} is still
   * resident.
   */
  private boolean remapped(MmStruct mm, long vpn, long pfn) {
    long pte = pageTable.readPte(mm.root(), vpn << Page.PAGE_SHIFT);
    return Pte.present(pte) && Pte.pfn(pte) != pfn && Pte.pfn(pte) != zeroPfn;
  }

  /**
   * Drops the mapping of {@code pfn} at page {@code vpn} of {@code mm}; with {@code dropRef} also
   * the mapping's reference, freeing the frame, dropping a file page that no one maps any more, or
   * telling the swap system that its cached page lost its last mapping.
   */
  void removeMapping(MmStruct mm, long vpn, long pfn, boolean dropRef) {
    if (!rmap.remove(pfn, mm.pid(), vpn)) {
      throw new AssertionError(
          String.format("pfn 0x%x is not mapped at vpn 0x%x of pid %d", pfn, vpn, mm.pid()));
    }
    account(mm, pfn, -1);
    if (mm.policy != null && !remapped(mm, vpn, pfn)) {
      mm.policy.remove(vpn);
    }
    boolean last = rmap.count(pfn) == 0;
    if (last) {
      if (cache.contains(pfn)) {
        fileMapped--;
      } else {
        anonMapped--;
      }
    }
    if (last && global != null) {
      global.of(pfn).remove(pfn);
    }
    if (!dropRef) {
      return;
    }
    int r = refs.dec((int) pfn);
    if (r == 0) {
      dirty.clear((int) pfn);
      pages.freePages(cpu, pfn, 0);
    } else if (last && cache.contains(pfn)) {
      if (!cache.fileOf(pfn).shmem()) {
        evict(pfn);
      }
    } else if (last && swap != null && swap.inSwapCache(pfn)) {
      swap.pageUnmapped(pfn);
    }
  }

  /** Drops a mapping's reference taken by an unmap to swap; the swap cache keeps its own. */
  void dropMappingRef(long pfn) {
    if (refs.dec((int) pfn) == 0) {
      throw new AssertionError("unmapping pfn " + pfn + " to swap dropped its last reference");
    }
  }

  // ------------------------------------------------------------------ migration

  /**
   * Everything the kernel keeps about user frame {@code src} moves to {@code dst}, which held
   * nothing ({@code folio_migrate_mapping}, {@code folio_migrate_flags}): the references, the
   * reverse map, the page-cache slot, the dirty bit and the global policy's key (the new frame goes
   * back on the policy's lists as a fresh insert, as the kernel puts a migrated folio back on the
   * LRU). The caller copies the bytes and rewrites the PTEs.
   */
  void move(long src, long dst) {
    int s = (int) src;
    int d = (int) dst;
    if (refs.held(d) || rmap.count(dst) != 0) {
      throw new AssertionError("migration target pfn " + dst + " is in use");
    }
    refs.move(s, d);
    rmap.move(src, dst);
    cache.move(src, dst);
    if (dirty.get(s)) {
      dirty.clear(s);
      dirty.set(d);
    }
    if (global != null && global.contains(src)) {
      // the frame may change node: off the source node's lists, onto the target node's
      global.of(src).remove(src);
      global.of(dst).insert(dst, lruType(dst));
    }
  }

  // ------------------------------------------------------------------ page cache

  /** Marks a file page dirty (its PTE was dirty when the mapping went). */
  void setDirty(long pfn) {
    dirty.set((int) pfn);
  }

  /**
   * What reclaim sees: the zero page stays; anonymous and shmem pages are swap-backed (shmem is
   * swapped as tmpfs is, through {@code Shmem}); other page-cache pages are file pages.
   */
  int kindOf(long pfn) {
    if (pfn == zeroPfn) {
      return ReclaimContext.UNEVICTABLE;
    }
    if (!cache.contains(pfn)) {
      return ReclaimContext.ANON;
    }
    return cache.fileOf(pfn).shmem() ? ReclaimContext.ANON : ReclaimContext.FILE;
  }

  /** Writes a page-cache page back to its file ({@code writepage}). */
  void writeBack(long pfn) {
    FileBacking f = cache.fileOf(pfn);
    byte[] buf = new byte[Page.PAGE_SIZE];
    memory.readPage(pfn, buf, 0);
    f.writePage(cache.offsetOf(pfn), buf);
    dirty.clear((int) pfn);
  }

  private void evict(long pfn) {
    if (dirty.get((int) pfn)) {
      writeBack(pfn);
    }
    cache.remove(pfn, evictShadow);
    putPage(pfn);
  }

  /**
   * A shmem object lives while some area maps it: the cached pages (whose only reference is the
   * cache's) of objects not in {@code mapped} are dropped.
   */
  void dropShmemNotIn(Set<FileBacking> mapped) {
    if (cache.size() == 0) {
      return;
    }
    for (long pfn : cache.pagesOfShmemNotIn(mapped)) {
      cache.remove(pfn);
      putPage(pfn);
    }
  }

  /** The shmem objects some area of the live tasks maps. */
  static Set<FileBacking> mappedShmem(Iterable<Task> tasks) {
    Set<FileBacking> mapped = new HashSet<>();
    for (Task t : tasks) {
      if (t.alive) {
        for (VmAreaStruct v : t.mm.areas()) {
          if (v.file != null && v.file.shmem()) {
            mapped.add(v.file);
          }
        }
      }
    }
    return mapped;
  }

  // ------------------------------------------------------------------ counters

  long cachedPages() {
    return cache.size();
  }

  long anonMapped() {
    return anonMapped;
  }

  long fileMapped() {
    return fileMapped;
  }

  long shmemPages() {
    return cache.shmemPages();
  }

  /** Frames of the machine (the length of the per-frame arrays). */
  int frames() {
    return refs.frames();
  }

  /** The raw reference count (for invariant checks). */
  int refCount(int pfn) {
    return refs.get(pfn);
  }

  /** The counts themselves (for invariant checks of their continuation). */
  PageCounts counts() {
    return refs;
  }

  boolean dirty(int pfn) {
    return dirty.get(pfn);
  }

  /** The cached shmem pages of objects no live area maps (for invariant checks). */
  List<Long> orphanShmem(Set<FileBacking> mapped) {
    return cache.pagesOfShmemNotIn(mapped);
  }

  /** Marks the user frames in {@code map} (anonymous and page-cache pages with their owners). */
  void describeFrames(io.mmsim.api.mem.FrameMap map) {
    UserFrames.describe(refs, rmap, cache, zeroPfn, map);
  }
}
