package io.mmsim.kernel.stat;

/**
 * The event counters the kernel facade itself keeps, named as in /proc/vmstat ({@code
 * include/linux/vm_event_item.h}). Counters that an allocator keeps (pgalloc_*, pgfree) come from
 * its statistics instead.
 */
public enum VmEvent {
  /** Page faults handled (every handle_mm_fault). */
  PGFAULT("pgfault"),
  /** Faults that needed I/O. */
  PGMAJFAULT("pgmajfault"),
  /** Processes killed by the OOM killer. */
  OOM_KILL("oom_kill"),
  /** Direct compactions an allocation waited for ({@code COMPACTSTALL}). */
  COMPACTSTALL("compact_stall"),
  /** Direct compactions after which the allocation still failed. */
  COMPACTFAIL("compact_fail"),
  /** Direct compactions after which the allocation succeeded. */
  COMPACTSUCCESS("compact_success"),
  /** kcompactd runs, woken by kswapd or by its proactive timer ({@code KCOMPACTD_WAKE}). */
  COMPACTDAEMON_WAKE("compact_daemon_wake"),
  /** Faults that mapped a transparent huge page. */
  THP_FAULT_ALLOC("thp_fault_alloc"),
  /** Faults where a THP was allowed but no order-9 block could be had. */
  THP_FAULT_FALLBACK("thp_fault_fallback"),
  /** THPs khugepaged allocated to collapse 4 KiB pages into. */
  THP_COLLAPSE_ALLOC("thp_collapse_alloc"),
  /** Collapses khugepaged gave up because no order-9 block could be had. */
  THP_COLLAPSE_ALLOC_FAILED("thp_collapse_alloc_failed"),
  /** Huge PMDs split into page tables of 4 KiB entries. */
  THP_SPLIT_PMD("thp_split_pmd"),
  /** Anonymous pages that came back while their shadow entry was kept (mm/workingset.c). */
  WORKINGSET_REFAULT_ANON("workingset_refault_anon"),
  /** File pages that came back while their shadow entry was kept. */
  WORKINGSET_REFAULT_FILE("workingset_refault_file"),
  /** Anonymous refaults close enough to be activated. */
  WORKINGSET_ACTIVATE_ANON("workingset_activate_anon"),
  /** File refaults close enough to be activated. */
  WORKINGSET_ACTIVATE_FILE("workingset_activate_file"),
  /** Anonymous refaults of pages that were in the workingset when evicted (thrashing). */
  WORKINGSET_RESTORE_ANON("workingset_restore_anon"),
  /** File refaults of pages that were in the workingset when evicted (thrashing). */
  WORKINGSET_RESTORE_FILE("workingset_restore_file");

  private final String procName;

  VmEvent(String procName) {
    this.procName = procName;
  }

  /** The name /proc/vmstat prints. */
  public String procName() {
    return procName;
  }
}
