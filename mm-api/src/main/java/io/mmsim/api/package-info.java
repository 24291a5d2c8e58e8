/**
 * The roots of mmsim's contracts: {@link io.mmsim.api.Allocator}, its statistics and the exception
 * hierarchy under {@link io.mmsim.api.MmException}.
 *
 * <p>The packages below hold one concept each: {@code mem} (the simulated machine), {@code page}
 * (page allocators), {@code object} (kmem caches and kmalloc), {@code vmalloc}, {@code paging}
 * (page tables and the MMU), {@code fault} (fault handlers), {@code reclaim} (replacement policies)
 * and {@code spi} (the providers that create all of them).
 */
package io.mmsim.api;
