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
  OOM_KILL("oom_kill");

  private final String procName;

  VmEvent(String procName) {
    this.procName = procName;
  }

  /** The name /proc/vmstat prints. */
  public String procName() {
    return procName;
  }
}
