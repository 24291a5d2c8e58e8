package io.mmsim.api.spi;

import io.mmsim.api.paging.PageTable;

/**
 * The context of a vmalloc provider: memory and the page tables to map areas in.
 *
 * @since 1.0
 */
public interface VirtualAllocatorContext extends MemoryContext {

  /** The page tables; areas are mapped in the kernel half. */
  PageTable pageTable();
}
