/**
 * vmalloc: {@link io.mmsim.api.vmalloc.VirtualAllocator} stitches scattered pages into one
 * virtually contiguous kernel area with a guard page; {@link io.mmsim.api.vmalloc.VmArea} is its
 * /proc/vmallocinfo row.
 */
package io.mmsim.api.vmalloc;
