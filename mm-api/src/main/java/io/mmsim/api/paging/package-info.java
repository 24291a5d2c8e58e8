/**
 * x86-64 paging: the entry layout ({@link io.mmsim.api.paging.Pte}), page tables per address space
 * ({@link io.mmsim.api.paging.PageTable}), the per-CPU MMU with its TLB, control registers and
 * segment registers ({@link io.mmsim.api.paging.Mmu}, {@link io.mmsim.api.paging.ControlRegisters},
 * {@link io.mmsim.api.paging.Segment}), and the fault record the CPU hands the kernel ({@link
 * io.mmsim.api.paging.PageFault}: CR2, {@link io.mmsim.api.paging.ErrorCode} bits, {@link
 * io.mmsim.api.paging.Regs}).
 *
 * <h2>The address path</h2>
 *
 * <pre>
 *   logical (sreg:offset) --Mmu.linearAddress--&gt; linear --Mmu.translate--&gt; physical
 *                          #GP: bad segment,            TLB, then the walk from CR3;
 *                          limit, non-canonical         #PF: CR2 + error code
 * </pre>
 *
 * <h2>Conventions</h2>
 *
 * <ul>
 *   <li>Addresses, PFNs and entries are {@code long}s; accesses ({@link
 *       io.mmsim.api.paging.Access}) and error codes are {@code int}s, so translation allocates
 *       nothing.
 *   <li>Faults are return values ({@link io.mmsim.api.paging.Mmu#FAULT}, {@link
 *       io.mmsim.api.paging.Mmu#GP_FAULT}), not exceptions; exceptions are for misuse.
 *   <li>Table frames hold the real entry bytes; what the MMU sets (Accessed, Dirty) is visible in
 *       them.
 * </ul>
 */
package io.mmsim.api.paging;
