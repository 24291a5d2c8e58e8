package io.mmsim.api.spi;

import io.mmsim.api.mem.Memmap;
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
   * The per-frame words shared by the page allocator and the owners of its blocks (see {@link
   * Memmap}). The default is the page allocator's; when it keeps none, the default makes a new set
   * at each call, so a context that hands words to several parts overrides this to return one set
   * (a kernel returns the one set every part shares).
   *
   * @since 1.4
   */
  default Memmap memmap() {
    Memmap m = pageAllocator().memmap();
    return m != null ? m : new Memmap(layout().frames());
  }

  /**
   * A short description of who is calling right now (a workload's {@code file:line}, or {@code
   * api}), for user tracking in debug reports.
   */
  String caller();
}
