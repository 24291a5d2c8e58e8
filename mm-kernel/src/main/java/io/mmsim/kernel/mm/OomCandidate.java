package io.mmsim.kernel.mm;

/**
 * What the OOM killer knows of one process, all sizes in pages ({@code struct mm_struct} counters
 * and {@code signal->oom_score_adj}).
 *
 * @param pid the process id
 * @param comm the command name printed in the report
 * @param uid the user id printed in the report
 * @param totalVm pages mapped ({@code total_vm})
 * @param anonRss resident anonymous pages ({@code MM_ANONPAGES})
 * @param fileRss resident file pages ({@code MM_FILEPAGES})
 * @param shmemRss resident shared-memory pages ({@code MM_SHMEMPAGES})
 * @param swapEntries swap PTEs of the process ({@code MM_SWAPENTS})
 * @param pageTablePages page-table pages of the user half
 * @param oomScoreAdj -1000..1000; -1000 means never kill
 * @param unkillable true for init and kernel threads ({@code oom_unkillable_task}) and processes
 *     already being killed
 */
record OomCandidate(
    int pid,
    String comm,
    int uid,
    long totalVm,
    long anonRss,
    long fileRss,
    long shmemRss,
    long swapEntries,
    long pageTablePages,
    int oomScoreAdj,
    boolean unkillable) {

  /** Validates the values. */
  OomCandidate {
    if (comm == null) {
      throw new IllegalArgumentException("OOM candidate " + pid + " needs a command name");
    }
    if (totalVm < 0
        || anonRss < 0
        || fileRss < 0
        || shmemRss < 0
        || swapEntries < 0
        || pageTablePages < 0) {
      throw new IllegalArgumentException("negative page count for OOM candidate " + pid);
    }
    if (oomScoreAdj < OomKiller.OOM_SCORE_ADJ_MIN || oomScoreAdj > OomKiller.OOM_SCORE_ADJ_MAX) {
      throw new IllegalArgumentException(
          "oom_score_adj " + oomScoreAdj + " of pid " + pid + " is outside -1000..1000");
    }
  }

  /** Resident pages of every kind ({@code get_mm_rss}). */
  long rss() {
    return anonRss + fileRss + shmemRss;
  }
}
