/**
 * Object allocators: {@link io.mmsim.api.object.ObjectAllocator} (kmalloc and cache creation),
 * {@link io.mmsim.api.object.KmemCache} (allocation and freeing of one object size), the
 * /proc/slabinfo row, the cache flags and the kernel-worded
 * {@link io.mmsim.api.object.SlabBugException}.
 */
package io.mmsim.api.object;
