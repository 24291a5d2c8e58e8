package io.mmsim.kernel.mm;

/** A simulated process: its pid, name and address space, alive until it exits or is killed. */
public final class Task {
  final int pid;
  final String comm;
  final MmStruct mm;
  boolean alive = true;
  String deathReason = "";

  Task(int pid, String comm, MmStruct mm) {
    this.pid = pid;
    this.comm = comm;
    this.mm = mm;
  }

  /** The process id. */
  public int pid() {
    return pid;
  }

  /** The command name ({@code comm}). */
  public String comm() {
    return comm;
  }

  /** True until the process exits or is killed. */
  public boolean alive() {
    return alive;
  }

  /** The root page-table frame of its address space ({@code mm->pgd}; what CR3 holds). */
  public long pgd() {
    return mm.root();
  }

  /** Resident pages now ({@code get_mm_rss}: anonymous, file and shmem). */
  public long rss() {
    return mm.rss();
  }

  /** The most resident pages the process has had ({@code VmHWM}, {@code hiwater_rss}). */
  public long hiwaterRss() {
    return mm.hiwaterRss;
  }

  /** Why the process died (exit, a signal), or empty while alive. */
  public String deathReason() {
    return deathReason;
  }
}
