/**
 * x86-64 paging: the entry layout ({@link io.mmsim.api.paging.Pte}), page tables per address
 * space ({@link io.mmsim.api.paging.PageTable}), the per-CPU MMU with its TLB
 * ({@link io.mmsim.api.paging.Mmu}), and the fault record the CPU hands the kernel
 * ({@link io.mmsim.api.paging.PageFault}: CR2, {@link io.mmsim.api.paging.ErrorCode} bits,
 * {@link io.mmsim.api.paging.Regs}).
 */
package io.mmsim.api.paging;
