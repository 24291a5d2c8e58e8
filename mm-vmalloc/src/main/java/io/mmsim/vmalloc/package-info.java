/**
 * The {@code vmalloc} provider: virtually contiguous kernel areas from scattered order-0 pages.
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li>{@code KvaSpace} owns the address space of the vmalloc range: free ranges (coalesced,
 *       lowest-address first fit) and lazily freed ranges waiting for a purge.
 *   <li>{@code Vmalloc} owns the live areas: their frames (taken one order-0 page at a time from
 *       the context's page allocator), their PTEs in the kernel page table (through the mm-api
 *       {@link io.mmsim.api.paging.PageTable} contract only), the nested page-array areas of large
 *       allocations, VmallocUsed accounting, /proc/vmallocinfo rows and {@code checkInvariants()}.
 *   <li>{@link io.mmsim.vmalloc.VmallocProvider} is the only public class.
 * </ul>
 *
 * <h2>What mmsim shows where Linux differs</h2>
 *
 * <ul>
 *   <li>The caller column holds the context's caller string (a workload's {@code file:line}, {@code
 *       api}), whitespace replaced by {@code _}, instead of a kernel symbol such as {@code
 *       caller+0x1c/0x50}.
 *   <li>Error messages print the real address as {@code 0x...} where the kernel's {@code %p} prints
 *       a hashed value.
 *   <li>One vmap node, no per-node VA pools (Linux 6.9+ caches purged ranges of up to 1 MiB per
 *       size for reuse): freed address space always returns to the lowest-first-fit free space.
 *       Busy rows are by address, then unpurged rows by address, as a single-node 6.9+ kernel
 *       prints them.
 *   <li>A failed vmalloc gives its half-built range straight back (Linux vfree()s it, which parks
 *       it lazily), so that a failure leaves the allocator exactly as before.
 *   <li>Page arrays of up to one page (kmalloc'ed in Linux) are not charged to an object allocator;
 *       larger ones are real nested vmalloc areas, as in Linux.
 *   <li>Huge-page vmalloc ({@code VM_ALLOW_HUGE_VMAP}), vm_map_ram, ioremap and per-CPU areas are
 *       not simulated; vmalloc starts with an empty range (no boot-time areas).
 * </ul>
 */
package io.mmsim.vmalloc;
