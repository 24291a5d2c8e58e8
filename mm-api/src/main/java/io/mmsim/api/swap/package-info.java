/**
 * Swap: the swap subsystem the kernel drives ({@link io.mmsim.api.swap.SwapSystem}, made by a
 * {@link io.mmsim.api.swap.SwapProvider}, which also formats swap files: {@link
 * io.mmsim.api.swap.SwapProvider#mkswap}, describing them as {@link io.mmsim.api.swap.SwapSpace}),
 * the kernel services it relies on ({@link io.mmsim.api.swap.SwapContext} at creation, {@link
 * io.mmsim.api.swap.ReclaimContext} per reclaim scope). The on-disk format itself belongs to the
 * provider: the contract is that what its {@code mkswap} writes, its {@code swapon} accepts.
 *
 * <h2>Who calls what</h2>
 *
 * <ul>
 *   <li>Boot: the kernel creates the {@code SwapSystem} from the {@code swap} provider with a
 *       {@code SwapContext} (prefix {@code swap}); the provider activates {@code swap.files} and
 *       {@code swap.memory}. Providers that need it (the {@code swap} fault handler) receive a
 *       {@link io.mmsim.api.swap.SwapHandlerContext}.
 *   <li>Page tables: the kernel keeps every slot's count equal to the number of swap PTEs holding
 *       it ({@code swapDuplicate} on fork, {@code swapFree} on munmap/exit), and tells the swap
 *       system when a swap-cache page loses its last mapping ({@code pageUnmapped}).
 *   <li>Faults: the {@code swap} fault handler turns a swap PTE back into a present one.
 *   <li>Reclaim: kswapd below the low watermark, direct reclaim when an allocation fails, and a
 *       process's own reclaim at its resident limit all go through {@code SwapSystem.shrink} with a
 *       {@link io.mmsim.api.reclaim.ReplacementPolicy} and a {@code ReclaimContext}.
 * </ul>
 *
 * <p>Entries are passed as raw swap-PTE values ({@link io.mmsim.api.paging.Pte#makeSwap}); frames
 * as PFNs; nothing on these paths allocates.
 */
package io.mmsim.api.swap;
