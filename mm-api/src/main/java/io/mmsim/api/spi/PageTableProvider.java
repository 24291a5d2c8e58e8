package io.mmsim.api.spi;

import io.mmsim.api.paging.PageTable;

/**
 * Creates the machine's page tables and MMUs (config key {@code page-table}).
 *
 * @since 1.0
 */
public interface PageTableProvider extends Provider {

  /** The kernel page table with the direct map of all memory built. */
  PageTable create(MemoryContext ctx);
}
