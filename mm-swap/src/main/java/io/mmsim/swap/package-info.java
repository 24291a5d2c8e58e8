/**
 * The swap subsystem ({@code SwapSubsystem}): swap areas ({@code SwapArea}: the one-byte-per-slot
 * swap_map with SWAP_HAS_CACHE and count continuation, 256-slot cluster allocation) on a swap file
 * ({@code FileDevice}) or in memory ({@code MemoryDevice}); allocation across areas by priority
 * with round robin among equals; the swap cache (two {@code LongLongHashMap}s, entry to frame and
 * back); page I/O with fail_page_alloc-style fault injection ({@code FaultAttr}); reclaim ({@code
 * Reclaimer}) driven by any replacement policy; and the {@code swap} fault handler ({@code
 * SwapFaultHandler}).
 *
 * <p>Everything on the fault and reclaim paths works on primitive arrays and {@code long}s. The
 * kernel reaches this package only through mm-api ({@link io.mmsim.api.swap}).
 */
package io.mmsim.swap;
