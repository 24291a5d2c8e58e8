package io.mmsim.api.fault;

import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.paging.PageTable;

/**
 * What the kernel hands a fault handler for one fault: the faulting address space and the
 * services that resolving a fault needs. Implemented by the kernel facade.
 */
public interface FaultContext {

  /** The faulting process's address space. */
  AddressSpace mm();

  /** The page tables. */
  PageTable pageTable();

  /** The machine's RAM. */
  PhysicalMemory memory();

  /**
   * Allocates a frame for user memory (reclaiming if needed); its contents are undefined.
   *
   * @return the PFN, or {@code PageAllocator.NO_PAGE} when memory is exhausted
   */
  long allocUserPage();

  /** The shared zero page's PFN, or -1 when {@code vm.zero-page=false}. */
  long zeroPfn();

  /** Reference count of a user frame (page-table mappings plus the swap cache). */
  int pageCount(long pfn);

  /** Adds one mapping of {@code pfn} at {@code linear} in {@code mm} (reverse map, counts). */
  void pageAddRmap(long pfn, AddressSpace mm, long linear);

  /** Drops the mapping of {@code pfn} at {@code linear} in {@code mm}; frees the frame at zero. */
  void pageRemoveRmap(long pfn, AddressSpace mm, long linear);
}
