/**
 * Processes and their address spaces, the part of the kernel above the page allocator that user
 * space sees. {@link io.mmsim.kernel.mm.Processes} is the facade; the public types besides it are
 * what its callers hold ({@link io.mmsim.kernel.mm.Task}, {@link io.mmsim.kernel.mm.VmAreaStruct},
 * {@link io.mmsim.kernel.mm.KernelOopsException}).
 *
 * <h2>Design: one class per kernel file</h2>
 *
 * <ul>
 *   <li>{@code Tasks}: the task list, spawn, fork and exit (kernel/fork.c, kernel/exit.c). An
 *       address space ({@code MmStruct}, {@code struct mm_struct}) is a page-table root and a
 *       sorted, non-overlapping set of areas ({@code VmAreaStruct}).
 *   <li>{@code Mmap}: mmap, munmap, mprotect, brk, zapping PTEs and copying them at fork
 *       (mm/mmap.c, mm/mprotect.c, mm/memory.c).
 *   <li>{@code FaultLoop}: every user access goes through the MMU of the configured page tables; a
 *       translation that faults runs the configured fault-handler chain with the fault's CR2 and
 *       error code, as a CPU would (arch/x86/mm/fault.c, mm/memory.c). {@code UserAccess} moves the
 *       bytes of user and kernel accesses.
 *   <li>{@code PageRefs}: user frames are counted in primitive arrays indexed by PFN, and the
 *       reverse map ({@code Rmap}) lists the mappings of each mapped frame, so that reclaim can
 *       unmap a page from every process that maps it (mm/rmap.c). File pages live in a {@code
 *       PageCache} shared by every mapping of the same file page; {@code DiskFile} and {@code
 *       ShmemFile} are the backings.
 *   <li>{@code Vmscan}: the reclaim scopes (global by PFN, per process by virtual page under {@code
 *       rss.limit}), kswapd and direct reclaim (mm/vmscan.c); {@code OomKiller} (mm/oom_kill.c).
 *   <li>{@code ProcessInvariants}: everything above recomputed from the page tables, for tests.
 * </ul>
 *
 * <p>Single-threaded behind the {@link io.mmsim.kernel.Kernel} facade.
 */
package io.mmsim.kernel.mm;
