/**
 * vmalloc: {@link io.mmsim.api.vmalloc.VirtualAllocator} stitches scattered order-0 pages into one
 * virtually contiguous kernel area with a guard page, mapped through the kernel's page tables
 * ({@link io.mmsim.api.paging.PageTable#kernelRoot()}); {@link io.mmsim.api.vmalloc.VmArea} is one
 * /proc/vmallocinfo row.
 *
 * <p>Addresses are kernel virtual addresses in the vmalloc range of {@link
 * io.mmsim.api.mem.KernelLayout} (4-level or 5-level paging); as Java {@code long}s they are
 * negative, and within the range signed order is address order. 0 is never a valid area address and
 * is the failure value of every allocating call.
 */
package io.mmsim.api.vmalloc;
