/**
 * The swap subsystem, one class per kernel file behind the {@code SwapSubsystem} facade.
 *
 * <ul>
 *   <li>{@code SwapAreas} (mm/swapfile.c): the active areas by type, priorities with round robin
 *       among equals, slot allocation across areas, swapon/swapoff and /proc/swaps. Each area is a
 *       {@code SwapArea}: the one-byte-per-slot swap_map with SWAP_HAS_CACHE and count
 *       continuation, 256-slot cluster allocation, on a swap file ({@code FileDevice}) or in memory
 *       ({@code MemoryDevice}).
 *   <li>{@code SwapCache} (mm/swap_state.c): the pages standing for slots, in two primitive maps
 *       (entry to frame with a dirty bit, and frame to entry).
 *   <li>{@code PageIo} (mm/page_io.c): reads and writes of slots with fault injection after the
 *       kernel's fault_attr ({@code FaultAttr}).
 *   <li>{@code Reclaimer} (mm/vmscan.c): swap-out of the victims any replacement policy chooses,
 *       kswapd and direct reclaim.
 *   <li>{@code SwapFaultHandler} (mm/memory.c: do_swap_page): the {@code swap} fault handler.
 * </ul>
 *
 * <p>Each part checks its own structures ({@code checkInvariants}); the facade's check runs them
 * all. Everything on the fault and reclaim paths works on primitive arrays and {@code long}s. The
 * kernel reaches this package only through mm-api ({@link io.mmsim.api.swap}).
 */
package io.mmsim.swap;
