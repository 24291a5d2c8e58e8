package io.mmsim.api.object;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;

import io.mmsim.api.Allocator;
import io.mmsim.api.mem.FrameMap;

/**
 * Carves pages from a {@link io.mmsim.api.page.PageAllocator} into small objects: kmem caches and
 * kmalloc (SLAB, SLUB and SLOB implement it).
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>Objects are direct-map kernel virtual addresses; their bytes are real simulated memory, so
 *       constructors, {@code __GFP_ZERO} and debug poison can be read back.
 *   <li>Objects of a cache are aligned to its alignment and never overlap one another.
 *   <li>{@code kmalloc(size)} uses the kernel's size classes (8 .. 8192, plus 96 and 192); larger
 *       requests go to the page allocator as whole pages.
 *   <li>After every object is freed and every cache shrunk, every page taken from the page
 *       allocator has been given back.
 *   <li>Misuse (double free, foreign or interior pointer, wrong cache) throws a {@link
 *       io.mmsim.api.BadAddressException} (a {@link SlabBugException} where the allocator has a
 *       kernel-worded report) and changes nothing.
 * </ul>
 *
 * Not thread-safe; {@code cpu} selects the simulated CPU's per-CPU caches.
 */
public interface ObjectAllocator extends Allocator {

  /**
   * Creates a cache ({@code kmem_cache_create}). An allocator may return an alias of a compatible
   * existing cache (SLUB merging); the returned cache still answers to {@code name}.
   *
   * @param size object size in bytes, at least 1
   * @param align required alignment, 0 or a power of two
   * @param flags {@link SlabFlags}
   * @param ctor constructor run on each object of a new slab, or {@code null}
   * @throws IllegalArgumentException when a cache of that name exists or a value is out of range
   */
  KmemCache kmemCacheCreate(String name, int size, int align, int flags, ObjectConstructor ctor);

  /** The cache (or alias) named {@code name}, or {@code null}. */
  KmemCache findCache(String name);

  /** Every cache, kmalloc caches included, in /proc/slabinfo order. */
  List<KmemCache> caches();

  /**
   * Allocates {@code size} bytes ({@code kmalloc}).
   *
   * @return the address, or 0 when memory ran out
   * @throws IllegalArgumentException when {@code size} is 0 or above {@code KMALLOC_MAX_SIZE}
   */
  long kmalloc(int cpu, long size, int gfp);

  /**
   * Frees what {@link #kmalloc} returned ({@code kfree}). NULL, {@code ZERO_SIZE_PTR} (16) and the
   * addresses between are ignored, as in the kernel ({@link KmallocSizes#zeroOrNullPtr}).
   *
   * @throws io.mmsim.api.BadAddressException when {@code addr} is not a live kmalloc object
   */
  void kfree(int cpu, long addr);

  /**
   * The usable size of the live kmalloc object at {@code addr} ({@code ksize}); 0 for NULL and
   * {@code ZERO_SIZE_PTR}, as in the kernel.
   *
   * @throws io.mmsim.api.BadAddressException when {@code addr} is not a live kmalloc object
   */
  long ksize(long addr);

  /** Shrinks every cache ({@code kmem_cache_shrink} on each); returns pages given back. */
  long shrinkAll();

  /** Rows of /proc/slabinfo; empty when the allocator has none (SLOB). */
  List<SlabInfo> slabinfo();

  /** Pages held by slabs of reclaimable caches (meminfo {@code SReclaimable}). */
  long reclaimablePages();

  /** Pages held by all other slabs and large kmalloc blocks (meminfo {@code SUnreclaim}). */
  long unreclaimablePages();

  /**
   * Cache names that are aliases of a merged cache, each mapped to the name of the real cache it
   * shares slabs with, sorted by alias name (SLUB shows them as symbolic links in {@code
   * /sys/kernel/slab}). {@link #findCache} answers to every alias; {@link #slabinfo} lists only
   * real caches.
   *
   * <p>The default is an allocator that never merges.
   *
   * @since 1.0
   */
  default SortedMap<String, String> aliases() {
    return Collections.emptySortedMap();
  }

  /**
   * The symbolic links of {@code /sys/kernel/slab}, link name to target, sorted by name. Under SLUB
   * a mergeable cache lives in a directory named by its unique id (such as {@code :0000064}) and
   * its name and every alias are links to that id; an unmergeable cache is a directory of its own
   * name and has no link.
   *
   * <p>The default is an allocator without such a directory: no links.
   *
   * @since 1.0
   */
  default SortedMap<String, String> sysfsLinks() {
    return Collections.emptySortedMap();
  }

  /**
   * Marks the frames this allocator holds in {@code map}: the pages of every slab ({@link
   * io.mmsim.api.mem.FrameUse#SLAB}, owned by its cache's name) and of every large kmalloc block
   * ({@link io.mmsim.api.mem.FrameUse#KMALLOC_LARGE}). Not for hot paths.
   *
   * <p>The default marks nothing.
   *
   * @since 1.2
   */
  default void describeFrames(FrameMap map) {}
}
