package io.mmsim.api.fault;

import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.paging.PageTable;

/**
 * What the kernel hands a fault handler for one fault: the faulting address space and the services
 * that resolving a fault needs. Implemented by the kernel facade.
 *
 * <h2>Frames a handler deals with</h2>
 *
 * <ul>
 *   <li>The <b>zero page</b> ({@link #zeroPfn()}): shared, read-only, never counted: a handler maps
 *       it with {@link io.mmsim.api.paging.Pte#SPECIAL} set and never passes it to the rmap
 *       methods.
 *   <li><b>Anonymous pages</b>: allocated with {@link #allocUserPage()}, announced once with {@link
 *       #pageAddNewAnonRmap}; further mappings (fork) use {@link #pageAddRmap}.
 *   <li><b>Page-cache pages</b> of a file: found with {@link #pageCacheFind}, or read into a frame
 *       from {@link #allocUserPage()} and inserted with {@link #pageCacheAdd}; the cache holds one
 *       reference of its own, and each mapping adds one through {@link #pageAddRmap}.
 * </ul>
 *
 * A frame taken from {@link #allocUserPage()} that ends up neither announced nor cached (the fault
 * failed after the allocation) goes back through {@link #freeUserPage}.
 *
 * <h2>Reference counts</h2>
 *
 * {@link #pageCount} is the page's reference count ({@code folio_ref_count}): one per mapping, one
 * for the page cache, one for the swap cache. A handler may reuse an anonymous page for a write
 * only when it is the sole reference.
 */
public interface FaultContext {

  /** The faulting process's address space. */
  AddressSpace mm();

  /** The page tables (TLB shootdowns go through {@link PageTable#flushTlbPage}). */
  PageTable pageTable();

  /** The machine's RAM. */
  PhysicalMemory memory();

  /**
   * Allocates a frame for user memory (reclaiming if needed); its contents are undefined.
   *
   * @return the PFN, or {@code PageAllocator.NO_PAGE} when memory is exhausted
   */
  long allocUserPage();

  /**
   * Gives back a frame from {@link #allocUserPage()} that was never announced, mapped or cached
   * (the fault failed after allocating it).
   */
  void freeUserPage(long pfn);

  /** The shared zero page's PFN, or -1 when {@code vm.zero-page=false}. */
  long zeroPfn();

  /** The reference count of a user frame: mappings, plus the page cache, plus the swap cache. */
  int pageCount(long pfn);

  /** True when {@code pfn} is an anonymous page ({@code PageAnon}), false for a page-cache page. */
  boolean pageAnon(long pfn);

  /**
   * Announces a freshly allocated anonymous page, mapped once at {@code linear} in {@code mm}
   * ({@code folio_add_new_anon_rmap} plus the LRU): it becomes anonymous with a count of 1.
   */
  void pageAddNewAnonRmap(long pfn, AddressSpace mm, long linear);

  /**
   * Adds one mapping of a page the kernel already knows (a page-cache page, or an anonymous page
   * already mapped elsewhere) at {@code linear} in {@code mm}: reverse map and count.
   */
  void pageAddRmap(long pfn, AddressSpace mm, long linear);

  /** Drops the mapping of {@code pfn} at {@code linear} in {@code mm}; frees the frame at zero. */
  void pageRemoveRmap(long pfn, AddressSpace mm, long linear);

  /**
   * The page-cache frame holding the page at byte {@code offset} (page-aligned) of {@code file}, or
   * {@code PageAllocator.NO_PAGE}. Two mappings of one file, in any processes, see one frame.
   */
  long pageCacheFind(FileBacking file, long offset);

  /**
   * Inserts {@code pfn}, a frame from {@link #allocUserPage()} now holding the file's page at byte
   * {@code offset}, into the page cache, which keeps one reference to it. The kernel writes dirty
   * shared pages back through {@link FileBacking#writePage}.
   */
  void pageCacheAdd(FileBacking file, long offset, long pfn);
}
