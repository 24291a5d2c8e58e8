package io.mmsim.api.swap;

import io.mmsim.api.spi.MemoryContext;

/**
 * What the kernel hands {@link SwapProvider#create}: the machine's RAM and page allocator ({@link
 * MemoryContext}), the {@code swap.*} settings, a seed (for fault injection), and the reference
 * counting of user frames that the swap cache takes part in. Implemented by the kernel.
 *
 * @since 1.0
 */
public interface SwapContext extends MemoryContext {

  /** Adds a reference to user frame {@code pfn} (the swap cache's reference). */
  void getPage(long pfn);

  /**
   * Drops a reference to user frame {@code pfn}; at zero the frame goes back to the page allocator.
   * A frame fresh from the allocator holds no reference yet.
   */
  void putPage(long pfn);

  /** Page-table mappings of frame {@code pfn} ({@code page_mapcount}). */
  int mapCount(long pfn);
}
