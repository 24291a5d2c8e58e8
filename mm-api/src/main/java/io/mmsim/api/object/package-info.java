/**
 * Object allocators: the contract SLAB, SLUB, SLOB (and any other) implement.
 *
 * <ul>
 *   <li>{@link io.mmsim.api.object.ObjectAllocator}: kmalloc / kfree / ksize, cache creation and
 *       lookup (aliases of merged caches included), shrinking, /proc/slabinfo rows, the meminfo
 *       slab counters, and the {@code /sys/kernel/slab} alias view ({@code aliases()}, {@code
 *       sysfsLinks()}; empty for allocators that never merge).
 *   <li>{@link io.mmsim.api.object.KmemCache}: allocation and freeing of one object size, its
 *       slabinfo row, and {@code validate()} (SLUB's {@code /sys/kernel/slab/<cache>/validate};
 *       empty by default).
 *   <li>{@link io.mmsim.api.object.KmallocSizes}: the kernel's kmalloc size classes and the {@code
 *       kmalloc_index} rule (smallest class 8, or 32 for SLAB), KMALLOC_MAX_CACHE_SIZE 8 KiB,
 *       KMALLOC_MAX_SIZE 4 MiB.
 *   <li>{@link io.mmsim.api.object.SlabFlags}, {@link io.mmsim.api.object.ObjectConstructor}, the
 *       {@link io.mmsim.api.object.SlabInfo} row and the kernel-worded {@link
 *       io.mmsim.api.object.SlabBugException}.
 * </ul>
 *
 * <p>Objects are direct-map kernel virtual addresses whose bytes are real simulated memory; a
 * misuse is refused with an exception before anything changes. The contract suite every
 * implementation runs is {@code io.mmsim.testkit.object.ObjectAllocatorContract} in mm-testkit.
 */
package io.mmsim.api.object;
