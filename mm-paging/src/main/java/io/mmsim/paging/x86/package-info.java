/**
 * The {@code x86_64} page-table provider: x86-64 paging as the hardware defines it.
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li>{@code X86PageTable}: address spaces as trees of 4 KiB table frames holding real
 *       little-endian entries; the shared kernel half (direct map in 1 GiB / 2 MiB / 4 KiB pages,
 *       preallocated vmalloc second-level tables, any later kernel top-level entry copied into
 *       every root); exact per-address-space table counts; all-or-nothing table allocation.
 *   <li>{@code X86Mmu}: one per CPU; CR0/CR3/CR4/EFER, a set-associative TLB in one {@code long[]}
 *       (each slot's tag beside its packed translation), a large-page TLB, and the walk that checks
 *       present and reserved bits, effective rights, and sets Accessed / Dirty.
 *   <li>{@code X86Init64}: the kernel's tables as boot builds them (kernel root, direct map,
 *       vmalloc second-level tables).
 *   <li>{@code X86Segmentation}: one CPU's segment registers over Linux's GDT, the CPL, and the
 *       logical-to-linear checks of 64-bit and compatibility mode.
 *   <li>{@code X86ControlRegisters}: one CPU's CR0, CR4 and EFER and what long mode lets software
 *       change in them; {@code X86PageWalkTrace}: a walk reported to the tracer, entry by entry.
 *   <li>{@code RootMap}: live roots and their table counts in an open-addressing primitive map.
 *   <li>{@code X86PageTableInvariants}: recounts every table from the entries ({@code
 *       checkInvariants}), and each MMU's TLB through {@code X86TlbInvariants}; {@code X86PtDump}:
 *       labels the table frames for the frame map.
 * </ul>
 *
 * <h2>Hot path</h2>
 *
 * {@code X86Mmu.translate} allocates nothing: a TLB hit is a set index, at most {@code tlb-ways}
 * tag compares and two mask tests; a miss reads one long per level from {@link
 * io.mmsim.api.mem.PhysicalMemory}.
 */
package io.mmsim.paging.x86;
