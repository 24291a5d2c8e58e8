package io.mmsim.api.fault;

/** What a fault handler did with a fault. */
public enum FaultOutcome {
  /** Resolved without I/O (zero page, new anonymous page, COW, page-cache hit): retry. */
  MINOR,
  /** Resolved with I/O (swap-in, file read): retry. */
  MAJOR,
  /** Not this handler's kind of fault: ask the next handler in the chain. */
  DECLINED,
  /** No area maps the address: SIGSEGV with SEGV_MAPERR. */
  SIGSEGV_MAPERR,
  /** The area forbids the access: SIGSEGV with SEGV_ACCERR. */
  SIGSEGV_ACCERR,
  /** The backing store failed or the file is too short: SIGBUS with BUS_ADRERR. */
  SIGBUS,
  /** No memory could be found even after reclaim: the OOM path. Nothing was changed. */
  OOM,
  /**
   * A paging-structure entry had a reserved bit set (error code RSVD): the kernel reports a
   * corrupted page table and kills the task ({@code pgtable_bad}, SIGKILL).
   */
  BAD_PAGETABLE;

  /** True for outcomes after which the access is retried. */
  public boolean resolved() {
    return this == MINOR || this == MAJOR;
  }
}
