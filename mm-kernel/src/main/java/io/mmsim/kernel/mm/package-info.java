/**
 * Processes and their address spaces, the part of the kernel above the page allocator that user
 * space sees (mm/mmap.c, mm/memory.c, mm/rmap.c, mm/filemap.c, mm/oom_kill.c in Linux).
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li>An address space ({@code MmStruct}, {@code struct mm_struct}) is a page-table root and a
 *       sorted, non-overlapping list of areas ({@code VmAreaStruct}); a {@code Task} owns one.
 *   <li>Every access goes through the MMU of the configured page tables; a translation that faults
 *       runs the configured fault-handler chain with the fault's CR2 and error code, as a CPU
 *       would.
 *   <li>User frames are counted in primitive arrays indexed by PFN (references and mappings), and
 *       the reverse map ({@code Rmap}) lists the mappings of each mapped frame, so that reclaim can
 *       unmap a page from every process that maps it. Nothing is allocated per frame.
 *   <li>File pages live in a {@code PageCache} shared by every mapping of the same file page;
 *       {@code DiskFile} and {@code ShmemFile} are the backings.
 * </ul>
 *
 * <p>Single-threaded behind the {@link io.mmsim.kernel.Kernel} facade.
 */
package io.mmsim.kernel.mm;
