package io.mmsim.api.fault;

/**
 * A process's address space as a fault handler sees it ({@code struct mm_struct}): its page-table
 * root and its areas.
 */
public interface AddressSpace {

  /** The process id. */
  int pid();

  /** The PFN of the root page table (what CR3 holds while the process runs). */
  long root();

  /** The area that contains {@code addr}, or {@code null} ({@code vma_lookup}). */
  Vma findVma(long addr);
}
