package io.mmsim.api.spi;

import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;

/**
 * The context of providers that build on the page allocator and touch memory: object allocators and
 * page tables.
 *
 * @since 1.0
 */
public interface MemoryContext extends ProviderContext {

  /** The page allocator to take frames from. */
  PageAllocator pageAllocator();

  /** The machine's RAM. */
  PhysicalMemory memory();

  /**
   * A short description of who is calling right now (a workload's {@code file:line}, or {@code
   * api}), for user tracking in debug reports.
   */
  String caller();
}
