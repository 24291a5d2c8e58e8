/**
 * Test support for vmalloc: {@link io.mmsim.testkit.vmalloc.VirtualAllocatorContract}, the suite a
 * {@link io.mmsim.api.vmalloc.VirtualAllocator} implementation subclasses with one factory method,
 * and {@link io.mmsim.testkit.vmalloc.TestVirtualAllocatorContext}, a context assembled by hand.
 *
 * <p>The contract's expectations come from the kernel's vmalloc ({@code mm/vmalloc.c}): guard
 * pages, lowest-address first fit, lazy freeing with a purge past {@code lazy_max_pages()}, the
 * rows of {@code /proc/vmallocinfo} and the kernel's wording of a bad {@code vfree}.
 */
package io.mmsim.testkit.vmalloc;
