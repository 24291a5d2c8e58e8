package io.mmsim.slab;

import java.util.function.IntUnaryOperator;

import io.mmsim.api.mem.Page;
import io.mmsim.api.object.SlabAlignment;
import io.mmsim.api.object.SlabFlags;

/**
 * The shape of one SLAB cache: object size and alignment, objects per slab, slab order, where the
 * freelist lives and how much room is left for colouring.
 *
 * <h2>Algorithm</h2>
 *
 * Reproduces the decisions {@code kmem_cache_create} makes under SLAB in Linux 6.x ({@code
 * calculate_alignment} in {@code mm/slab_common.c}; {@code __kmem_cache_create}, {@code
 * set_objfreelist_slab_cache}, {@code set_off_slab_cache}, {@code set_on_slab_cache}, {@code
 * calculate_slab_order} and {@code cache_estimate} in {@code mm/slab.c}, 6.7 and earlier):
 *
 * <ol>
 *   <li>Alignment: at least 8 bytes; {@code SLAB_HWCACHE_ALIGN} raises it to the cache line (64),
 *       halved while the object fits in half of it. The size is rounded up to the alignment and to
 *       at least {@value #SLAB_OBJ_MIN_SIZE} bytes, so that a slab never holds more objects than a
 *       one-byte freelist index can name.
 *   <li>Freelist placement, tried in this order:
 *       <ul>
 *         <li><b>OBJFREELIST</b> (the default since 4.6): the index array lives inside one of the
 *             slab's free objects; only for caches without a constructor and without {@code
 *             SLAB_TYPESAFE_BY_RCU}, and only when the array fits in one object ({@code num * 1 <=
 *             object_size}).
 *         <li><b>OFF_SLAB</b>: the array is a kmalloc object of its own; only when the kmalloc
 *             class holding it is at most half the object size, is not itself off-slab, and the
 *             slab's left-over space could not hold the array anyway.
 *         <li><b>ON_SLAB</b>: the array sits at the end of the slab, one byte per object.
 *       </ul>
 *   <li>Slab order ({@code calculate_slab_order}): from order 0 up, the first order where at least
 *       one object fits is kept, and the search stops there when the cache is {@code
 *       SLAB_RECLAIM_ACCOUNT}, when the order reached {@code slab_max_order}, or when the waste is
 *       acceptable ({@code left_over * 8 <= slab bytes}); a slab never holds more than {@value
 *       #SLAB_OBJ_MAX_NUM} objects.
 *   <li>Colouring: {@code colour_off} is the cache line (or the alignment when larger) and {@code
 *       colour = left_over / colour_off} different first-object offsets are cycled.
 * </ol>
 *
 * <h2>Freelist index width</h2>
 *
 * The kernel picks the index type at compile time: one byte when {@code (PAGE_SIZE >> 8) <=
 * SLAB_OBJ_MIN_SIZE}, which holds for 4 KiB pages (16 <= 16), so on x86-64 every cache uses byte
 * indices and at most 255 objects per slab. The two-byte variant only exists for larger pages and
 * is not modelled.
 *
 * <h2>Slab layout</h2>
 *
 * <pre>
 *   slab (PAGE_SIZE &lt;&lt; order bytes)
 *   +--------------+-------+-------+-----+---------+------------------+--------------+
 *   | colour_next  | obj 0 | obj 1 | ... | obj n-1 | unused left-over | freelist     |
 *   | * colour_off |       |       |     |         |                  | (ON_SLAB     |
 *   +--------------+-------+-------+-----+---------+------------------+  only: n B)  +
 *   ^ slab base    ^ s_mem                                             ^ end - n
 * </pre>
 */
final class CacheGeometry {
  /** {@code BYTES_PER_WORD}: sizes are rounded up to whole words. */
  static final int BYTES_PER_WORD = 8;

  /** {@code cache_line_size()} on x86-64. */
  static final int CACHE_LINE = 64;

  /** {@code SLAB_OBJ_MIN_SIZE}: the smallest object, so that byte indices suffice. */
  static final int SLAB_OBJ_MIN_SIZE = 16;

  /** {@code SLAB_OBJ_MAX_NUM}: the most objects a one-byte freelist index can name. */
  static final int SLAB_OBJ_MAX_NUM = 255;

  /** {@code sizeof(freelist_idx_t)} on x86-64 with 4 KiB pages. */
  static final int FREELIST_IDX_BYTES = 1;

  /** {@code KMALLOC_MAX_ORDER}: the largest slab order tried. */
  static final int MAX_ORDER = Page.MAX_PAGE_ORDER;

  /** {@code CFLGS_OBJFREELIST_SLAB}: the freelist lives in a free object. */
  static final int CFLGS_OBJFREELIST_SLAB = 0x40000000;

  /** {@code CFLGS_OFF_SLAB}: the freelist is a separate kmalloc object. */
  static final int CFLGS_OFF_SLAB = 0x80000000;

  /** Freelist placement: inside a free object. */
  static final int MODE_OBJFREELIST = 0;

  /** Freelist placement: a kmalloc object of its own. */
  static final int MODE_OFF_SLAB = 1;

  /** Freelist placement: the last bytes of the slab. */
  static final int MODE_ON_SLAB = 2;

  /** The size callers asked for ({@code object_size}). */
  final int objectSize;

  /** Bytes per object in the slab ({@code size}). */
  final int size;

  /** Object alignment. */
  final int align;

  /** Colour step in bytes ({@code colour_off}). */
  final int colourOff;

  /** Objects per slab ({@code num}). */
  final int num;

  /** Slab order ({@code gfporder}). */
  final int order;

  /** Number of colours ({@code colour}). */
  final int colour;

  /** Bytes of the slab used by neither objects nor an on-slab freelist. */
  final int leftOver;

  /** One of {@link #MODE_OBJFREELIST}, {@link #MODE_OFF_SLAB}, {@link #MODE_ON_SLAB}. */
  final int mode;

  /** {@code freelist_size}: {@code num} index bytes. */
  final int freelistSize;

  private CacheGeometry(
      int objectSize,
      int size,
      int align,
      int colourOff,
      int num,
      int order,
      int leftOver,
      int mode) {
    this.objectSize = objectSize;
    this.size = size;
    this.align = align;
    this.colourOff = colourOff;
    this.num = num;
    this.order = order;
    this.leftOver = leftOver;
    this.colour = leftOver / colourOff;
    this.mode = mode;
    this.freelistSize = num * FREELIST_IDX_BYTES;
  }

  /** Bytes of one slab. */
  int slabBytes() {
    return Page.PAGE_SIZE << order;
  }

  /** The internal {@code CFLGS_*} bit of the freelist placement (0 for on-slab). */
  int internalFlag() {
    return mode == MODE_OBJFREELIST
        ? CFLGS_OBJFREELIST_SLAB
        : mode == MODE_OFF_SLAB ? CFLGS_OFF_SLAB : 0;
  }

  /** Placement as the kernel's flag name, for messages and tests. */
  String modeName() {
    return mode == MODE_OBJFREELIST
        ? "OBJFREELIST_SLAB"
        : mode == MODE_OFF_SLAB ? "OFF_SLAB" : "ON_SLAB";
  }

  /**
   * The geometry of a cache of {@code objectSize} bytes.
   *
   * @param align the alignment from {@link SlabAlignment#calculateAlignment}
   * @param flags the cache's {@link SlabFlags}
   * @param hasCtor whether the cache has a constructor (rules out OBJFREELIST)
   * @param slabMaxOrder {@code slab_max_order}
   * @param freelistCacheSize for a freelist of {@code n} bytes, the object size of the kmalloc
   *     cache that would hold it off-slab, or -1 when there is none or it is itself off-slab
   * @return the geometry, or {@code null} when no slab order up to {@link #MAX_ORDER} holds one
   *     object ({@code -E2BIG})
   */
  static CacheGeometry compute(
      int objectSize,
      int align,
      int flags,
      boolean hasCtor,
      int slabMaxOrder,
      IntUnaryOperator freelistCacheSize) {
    int size = alignUp(objectSize, BYTES_PER_WORD);
    int ralign = Math.max(BYTES_PER_WORD, align);
    int colourOff = Math.max(CACHE_LINE, ralign);
    size = alignUp(size, ralign);
    if (size < SLAB_OBJ_MIN_SIZE) {
      size = alignUp(SLAB_OBJ_MIN_SIZE, ralign);
    }
    // 1) freelist in a free object
    if (!hasCtor && (flags & SlabFlags.TYPESAFE_BY_RCU) == 0) {
      long r =
          slabOrder(objectSize, size, flags, MODE_OBJFREELIST, slabMaxOrder, freelistCacheSize);
      if (r >= 0 && num(r) * FREELIST_IDX_BYTES <= objectSize) {
        return new CacheGeometry(
            objectSize, size, ralign, colourOff, num(r), order(r), leftOver(r), MODE_OBJFREELIST);
      }
    }
    // 2) freelist off the slab, unless the left-over space could hold it anyway
    long r = slabOrder(objectSize, size, flags, MODE_OFF_SLAB, slabMaxOrder, freelistCacheSize);
    if (r >= 0 && leftOver(r) < num(r) * FREELIST_IDX_BYTES) {
      return new CacheGeometry(
          objectSize, size, ralign, colourOff, num(r), order(r), leftOver(r), MODE_OFF_SLAB);
    }
    // 3) freelist at the end of the slab
    r = slabOrder(objectSize, size, flags, MODE_ON_SLAB, slabMaxOrder, freelistCacheSize);
    if (r >= 0) {
      return new CacheGeometry(
          objectSize, size, ralign, colourOff, num(r), order(r), leftOver(r), MODE_ON_SLAB);
    }
    return null;
  }

  // ------------------------------------------------------------------ calculate_slab_order

  /*
   * slabOrder packs (num, order, left_over) into one long, -1 when nothing fits:
   *
   *   63      48 47        40 39                 8 7        0
   *   +---------+------------+--------------------+----------+
   *   |    0    |   order    |     left_over      |   num    |
   *   +---------+------------+--------------------+----------+
   */
  private static final int NUM_BITS = 8;
  private static final int LEFT_BITS = 32;
  private static final int LEFT_SHIFT = NUM_BITS;
  private static final int ORDER_SHIFT = LEFT_SHIFT + LEFT_BITS;

  private static long pack(int num, int order, int leftOver) {
    return ((long) order << ORDER_SHIFT) | ((long) leftOver << LEFT_SHIFT) | num;
  }

  private static int num(long r) {
    return (int) (r & ((1 << NUM_BITS) - 1));
  }

  private static int leftOver(long r) {
    return (int) ((r >>> LEFT_SHIFT) & 0xffffffffL);
  }

  private static int order(long r) {
    return (int) (r >>> ORDER_SHIFT);
  }

  private static long slabOrder(
      int objectSize,
      int size,
      int flags,
      int mode,
      int slabMaxOrder,
      IntUnaryOperator freelistCacheSize) {
    long found = -1;
    for (int order = 0; order <= MAX_ORDER; order++) {
      int slabBytes = Page.PAGE_SIZE << order;
      int per = mode == MODE_ON_SLAB ? size + FREELIST_IDX_BYTES : size;
      int num = slabBytes / per;
      int left = slabBytes % per;
      if (num == 0) {
        continue;
      }
      if (num > SLAB_OBJ_MAX_NUM) {
        break;
      }
      if (mode == MODE_OFF_SLAB) {
        // num <= 255 index bytes always fit a kmalloc class, so no page-sized freelists here
        int fcs = freelistCacheSize.applyAsInt(num * FREELIST_IDX_BYTES);
        // the kernel compares with cachep->size, which still holds object_size at this point
        if (fcs < 0 || fcs > objectSize / 2) {
          continue;
        }
      }
      found = pack(num, order, left);
      if ((flags & SlabFlags.RECLAIM_ACCOUNT) != 0) {
        break;
      }
      if (order >= slabMaxOrder) {
        break;
      }
      if ((long) left * 8 <= slabBytes) {
        break;
      }
    }
    return found;
  }

  // ------------------------------------------------------------------ obj_to_index

  /*
   * Reciprocal division (the kernel's reciprocal_divide): with magic = ceil(2^44 / size), for
   * every offset off < 2^22 (a slab is at most 4 MiB) and size <= 2^22,
   *
   *   off * magic = q * 2^44 + low,   q = floor(off / size),
   *
   * and off is a multiple of size exactly when low < 2^22: for off = q * size the low part is
   * q * (size * magic - 2^44) < q * size < 2^22, for any remainder r >= 1 it is at least
   * r * magic >= 2^44 / size >= 2^22. One multiply finds the object and checks the boundary.
   */
  private static final int MAGIC_SHIFT = 44;
  private static final long MAGIC_LOW_MASK = (1L << MAGIC_SHIFT) - 1;
  private static final long MAGIC_EXACT_LIMIT = 1L << 22;

  /** {@code ceil(2^44 / size)} for {@link #objectIndex}. */
  static long magic(int size) {
    return ((1L << MAGIC_SHIFT) + size - 1) / size;
  }

  /**
   * {@code obj_to_index}: the index of the object that starts {@code off} bytes after the first
   * one, or -1 when {@code off} is negative, past the last of {@code num} objects or not on an
   * object boundary.
   */
  static int objectIndex(long off, long magic, int num) {
    if (off < 0 || off >= MAGIC_EXACT_LIMIT) {
      return -1;
    }
    long p = off * magic;
    long q = p >>> MAGIC_SHIFT;
    if (q >= num || (p & MAGIC_LOW_MASK) >= MAGIC_EXACT_LIMIT) {
      return -1;
    }
    return (int) q;
  }

  // ------------------------------------------------------------------ enable_cpucache

  /** Per-CPU array limit for objects of {@code size} bytes ({@code enable_cpucache}). */
  static int cpuLimit(int size) {
    if (size > 131072) {
      return 1;
    }
    if (size > Page.PAGE_SIZE) {
      return 8;
    }
    if (size > 1024) {
      return 24;
    }
    if (size > 256) {
      return 54;
    }
    return 120;
  }

  /** Batch count for a limit ({@code (limit + 1) / 2}). */
  static int batchCount(int limit) {
    return (limit + 1) / 2;
  }

  /** The shared array factor: 8 for objects up to a page on a machine of several CPUs, else 0. */
  static int sharedFactor(int size, int cpus) {
    return size <= Page.PAGE_SIZE && cpus > 1 ? 8 : 0;
  }

  static int alignUp(int v, int a) {
    return (v + a - 1) & -a;
  }

  @Override
  public String toString() {
    return "size="
        + size
        + " align="
        + align
        + " num="
        + num
        + " order="
        + order
        + " colour="
        + colour
        + "x"
        + colourOff
        + " left="
        + leftOver
        + " "
        + modeName();
  }
}
