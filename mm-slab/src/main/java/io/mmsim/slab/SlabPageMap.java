package io.mmsim.slab;

import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;

/**
 * Which slab (or large kmalloc block) each page frame belongs to: the simulator's {@code
 * page->slab_cache} / {@code virt_to_slab()}.
 *
 * <h2>Layout</h2>
 *
 * A two-level table of {@code long}s indexed by PFN; a chunk of {@value #CHUNK} entries (32 KiB,
 * covering 16 MiB of memory) is allocated the first time a slab lands in it, so a machine pays only
 * for the memory its slabs touch. Every frame of a slab carries the same entry, so an address
 * anywhere inside a multi-page slab finds its slab (the kernel's compound head).
 *
 * <pre>
 *   entry:
 *   63                       32 31                          0
 *   +--------------------------+-----------------------------+
 *   |           tag            |            value            |
 *   +--------------------------+-----------------------------+
 *   tag 0            not a page of this allocator (value 0)
 *   tag 1 .. 2^31-3  slab page of the cache with id tag-1; value = the cache's slab index
 *   tag LARGE_HEAD   first page of a large kmalloc block; value = its order
 *   tag LARGE_TAIL   other page of a large kmalloc block; value = pages from the head
 * </pre>
 */
final class SlabPageMap {
  static final int CHUNK_SHIFT = 12;
  static final int CHUNK = 1 << CHUNK_SHIFT;
  private static final int CHUNK_MASK = CHUNK - 1;

  static final int TAG_SHIFT = 32;
  static final int LARGE_HEAD = 0x7fffffff;
  static final int LARGE_TAIL = 0x7ffffffe;

  /** Entry of a frame that does not belong to this allocator. */
  static final long NONE = 0;

  private final long frames;
  private final long bytes;
  private final long[][] dir;

  SlabPageMap(long frames) {
    this.frames = frames;
    this.bytes = frames << Page.PAGE_SHIFT;
    this.dir = new long[Math.toIntExact((frames + CHUNK - 1) >>> CHUNK_SHIFT)][];
  }

  static long entry(int tag, int value) {
    return ((long) tag << TAG_SHIFT) | (value & 0xffffffffL);
  }

  static int tag(long entry) {
    return (int) (entry >>> TAG_SHIFT);
  }

  static int value(long entry) {
    return (int) entry;
  }

  /** The entry of the page holding direct-map address {@code addr}; {@link #NONE} when none. */
  long lookup(long addr) {
    long pa = addr - KernelLayout.PAGE_OFFSET;
    if (Long.compareUnsigned(pa, bytes) >= 0) {
      return NONE;
    }
    long pfn = pa >>> Page.PAGE_SHIFT;
    long[] c = dir[(int) (pfn >>> CHUNK_SHIFT)];
    return c == null ? NONE : c[(int) (pfn & CHUNK_MASK)];
  }

  /** The entry of frame {@code pfn}. */
  long get(long pfn) {
    long[] c = dir[(int) (pfn >>> CHUNK_SHIFT)];
    return c == null ? NONE : c[(int) (pfn & CHUNK_MASK)];
  }

  /** Sets {@code count} frames from {@code pfn} to {@code entry}. */
  void set(long pfn, int count, long entry) {
    for (int i = 0; i < count; i++) {
      long p = pfn + i;
      int d = (int) (p >>> CHUNK_SHIFT);
      long[] c = dir[d];
      if (c == null) {
        if (entry == NONE) {
          continue;
        }
        c = new long[CHUNK];
        dir[d] = c;
      }
      c[(int) (p & CHUNK_MASK)] = entry;
    }
  }

  /** Number of frames of the machine. */
  long frames() {
    return frames;
  }
}
