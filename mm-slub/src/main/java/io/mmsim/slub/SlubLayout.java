package io.mmsim.slub;

import io.mmsim.api.mem.Page;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.util.Bits;

/**
 * The geometry of one SLUB cache: where an object's bytes, red zones, free pointer, tracking data
 * and padding sit inside its slot, and how many slots a slab of which order holds.
 *
 * <h2>Slot layout</h2>
 *
 * Computed as {@code calculate_sizes} in {@code mm/slub.c} does (offsets relative to the object
 * pointer {@code p}; a slot starts {@code redLeftPad} bytes before it):
 *
 * <pre>
 *  slot start
 *  | left red zone | object_size bytes | right red zone | free ptr | alloc  | free   | orig | pad |
 *  | (Z only)      |                   | up to inuse    | (if out) | track  | track  | size |     |
 *  ^               ^p                  ^p+objectSize    ^p+inuse   ^p+infoEnd (U only)        ^p+size-redLeftPad
 * </pre>
 *
 * <ul>
 *   <li>object size rounded up to a word; with Z and no room left, one more word of red zone: that
 *       is {@code inuse};
 *   <li>the free pointer goes outside the object (at {@code inuse}) with a constructor, RCU
 *       freeing, poisoning, or red zoning of tiny or kmalloc-tracked objects; otherwise in the
 *       middle of the object (Linux 5.7+: {@code ALIGN_DOWN(object_size / 2, 8)});
 *   <li>U adds two {@code struct track} of {@link #TRACK_SIZE} bytes and, for kmalloc caches, the
 *       4-byte original request size;
 *   <li>Z adds one word of padding and a left red zone of one word rounded up to the alignment;
 *   <li>the slot is rounded up to the alignment: that is {@code size}.
 * </ul>
 *
 * <h2>Order</h2>
 *
 * {@code calculate_order} (Linux 6.8+ form): {@code min_objects = 4 * (fls(nr_cpus) + 1)} capped at
 * what fits in a max-order slab; start at {@code max(min_order, get_order(min_objects * size))}
 * and, for accepted waste 1/16, 1/8, 1/4 then 1/2 of the slab, take the smallest order up to {@code
 * max_order} whose leftover is within it; if none, {@code get_order(size)}. The minimum order
 * ({@code s->min}, used when the preferred order cannot be had) is {@code get_order(size)}.
 */
final class SlubLayout {
  /** Bytes of a pointer / word on x86-64. */
  static final int WORD = 8;

  /**
   * {@code sizeof(struct track)} (mm/slub.c) with {@code CONFIG_STACKDEPOT}, which {@code
   * SLUB_DEBUG} selects on x86-64 since Linux 5.17: addr 8, the depot handle 4, cpu 4, pid 4, then
   * 4 bytes of padding so that {@code when} (8) is 8-aligned. A kernel without a stack depot has no
   * handle and no padding, so its track is 24 bytes; mmsim models the x86-64 default.
   */
  static final int TRACK_SIZE = 32;

  /** Offsets inside a track. */
  static final int TRACK_ADDR = 0;

  static final int TRACK_CPU = 12;
  static final int TRACK_PID = 16;
  static final int TRACK_WHEN = 24;

  /** {@code MAX_OBJS_PER_PAGE}. */
  static final int MAX_OBJS_PER_PAGE = 32767;

  final int objectSize;
  final int align;
  final int flags;
  final boolean objectPoison;
  final boolean origSizeTracked;
  final int inuse;
  final int offset;
  final int redLeftPad;
  final int size;
  final int infoEnd;
  final int padStart;
  final int order;
  final int objects;
  final int minOrder;
  final int minObjects;

  private SlubLayout(
      int objectSize,
      int align,
      int flags,
      boolean hasCtor,
      boolean kmalloc,
      SlubTunables tunables,
      int nrCpus) {
    this.objectSize = objectSize;
    this.align = align;
    this.flags = flags;
    boolean redZone = (flags & SlabFlags.RED_ZONE) != 0;
    boolean poison = (flags & SlabFlags.POISON) != 0;
    boolean storeUser = (flags & SlabFlags.STORE_USER) != 0;
    boolean rcu = (flags & SlabFlags.TYPESAFE_BY_RCU) != 0;
    this.objectPoison = poison && !rcu && !hasCtor;
    this.origSizeTracked = storeUser && kmalloc;

    int s = (int) Bits.alignUp(objectSize, WORD);
    if (redZone && s == objectSize) {
      s += WORD;
    }
    this.inuse = s;
    if (rcu || poison || hasCtor || (redZone && (objectSize < WORD || origSizeTracked))) {
      this.offset = s;
      s += WORD;
    } else {
      this.offset = (int) Bits.alignDown(objectSize / 2, WORD);
    }
    this.infoEnd = offset >= inuse ? inuse + WORD : inuse;
    int pad = infoEnd;
    if (storeUser) {
      s += 2 * TRACK_SIZE;
      pad += 2 * TRACK_SIZE;
      if (kmalloc) {
        s += Integer.BYTES;
        pad += Integer.BYTES;
      }
    }
    this.padStart = pad;
    int leftPad = 0;
    if (redZone) {
      s += WORD;
      leftPad = (int) Bits.alignUp(WORD, align);
      s += leftPad;
    }
    this.redLeftPad = leftPad;
    this.size = (int) Bits.alignUp(s, align);
    this.order = calculateOrder(size, tunables, nrCpus);
    this.objects = orderObjects(order, size);
    this.minOrder = Page.getOrder(size);
    this.minObjects = orderObjects(minOrder, size);
  }

  /**
   * The layout of a cache, or {@code null} when no slab of at most the largest page order can hold
   * an object of that size.
   */
  static SlubLayout of(
      int objectSize,
      int align,
      int flags,
      boolean hasCtor,
      boolean kmalloc,
      SlubTunables tunables,
      int nrCpus) {
    SlubLayout l = new SlubLayout(objectSize, align, flags, hasCtor, kmalloc, tunables, nrCpus);
    return l.order < 0 || l.order > Page.MAX_PAGE_ORDER || l.objects == 0 ? null : l;
  }

  /** Objects of {@code size} bytes in a slab of {@code order} ({@code order_objects}). */
  static int orderObjects(int order, int size) {
    return (int) (((long) Page.PAGE_SIZE << order) / size);
  }

  /** {@code calculate_order} for slots of {@code size} bytes on {@code nrCpus} CPUs. */
  static int calculateOrder(int size, SlubTunables t, int nrCpus) {
    int minObjects = t.minObjects();
    if (minObjects == 0) {
      minObjects = 4 * (Bits.fls(nrCpus) + 1);
    }
    int maxObjects = Math.max(orderObjects(t.maxOrder(), size), 1);
    minObjects = Math.min(minObjects, maxObjects);
    int minOrder = Math.max(t.minOrder(), Page.getOrder((long) minObjects * size));
    if (orderObjects(minOrder, size) > MAX_OBJS_PER_PAGE) {
      return Page.getOrder((long) size * MAX_OBJS_PER_PAGE) - 1;
    }
    for (int fraction = 16; fraction > 1; fraction /= 2) {
      int order = calcSlabOrder(size, minOrder, t.maxOrder(), fraction);
      if (order <= t.maxOrder()) {
        return order;
      }
    }
    return Page.getOrder(size);
  }

  private static int calcSlabOrder(int size, int minOrder, int maxOrder, int fraction) {
    int order;
    for (order = minOrder; order <= maxOrder; order++) {
      long slabSize = (long) Page.PAGE_SIZE << order;
      long rem = slabSize % size;
      if (rem <= slabSize / fraction) {
        break;
      }
    }
    return order;
  }

  /** {@code size_from_object}: the slot bytes from the object pointer on. */
  int sizeFromObject() {
    return size - redLeftPad;
  }

  /** True when the free pointer lies outside the object ({@code freeptr_outside_object}). */
  boolean freePointerOutside() {
    return offset >= inuse;
  }
}
