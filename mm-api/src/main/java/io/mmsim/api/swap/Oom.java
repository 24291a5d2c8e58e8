package io.mmsim.api.swap;

import java.util.List;

/**
 * The OOM killer's choice and report ({@code mm/oom_kill.c}), usable with or without swap.
 *
 * <p><b>Badness</b> ({@code oom_badness}): RSS + swap entries + page-table pages, plus {@code
 * oom_score_adj * (totalpages / 1000)} (the division comes first, in integers), where totalpages is
 * RAM plus swap in pages. An unkillable process or one with oom_score_adj -1000 scores {@link
 * Long#MIN_VALUE} and is never chosen.
 *
 * <p><b>Choice</b> ({@code select_bad_process}): candidates are scanned in the order given (the
 * kernel's process-list order, oldest first); a score at least as high as the best so far replaces
 * it, so on a tie the <em>later</em> process is killed.
 */
public final class Oom {
  private Oom() {}

  /** Lowest oom_score_adj: never kill ({@code OOM_SCORE_ADJ_MIN}). */
  public static final int OOM_SCORE_ADJ_MIN = -1000;

  /** Highest oom_score_adj ({@code OOM_SCORE_ADJ_MAX}). */
  public static final int OOM_SCORE_ADJ_MAX = 1000;

  /** The badness of {@code c} with {@code totalPages} = RAM + swap pages. */
  public static long badness(OomCandidate c, long totalPages) {
    if (c.unkillable() || c.oomScoreAdj() == OOM_SCORE_ADJ_MIN) {
      return Long.MIN_VALUE;
    }
    long points = c.rss() + c.swapEntries() + c.pageTablePages();
    long adj = (long) c.oomScoreAdj() * (totalPages / 1000);
    return points + adj;
  }

  /**
   * The process to kill, or {@code null} when none may be killed.
   *
   * @param candidates every process, in process-list order
   * @param totalPages RAM + swap in pages
   */
  public static OomCandidate selectBadProcess(List<OomCandidate> candidates, long totalPages) {
    OomCandidate chosen = null;
    long chosenPoints = Long.MIN_VALUE;
    for (OomCandidate c : candidates) {
      long points = badness(c, totalPages);
      if (points == Long.MIN_VALUE || points < chosenPoints) {
        continue;
      }
      chosen = c;
      chosenPoints = points;
    }
    return chosen;
  }

  /**
   * /proc/PID/oom_score (5.9+): {@code (1000 + badness * 1000 / totalpages) * 2 / 3}, 0 for a
   * process that may not be killed.
   */
  public static long oomScore(OomCandidate c, long totalPages) {
    long b = badness(c, totalPages);
    if (b == Long.MIN_VALUE || totalPages <= 0) {
      return 0;
    }
    return (1000 + b * 1000 / totalPages) * 2 / 3;
  }

  /**
   * The kernel's report of a kill, without the trailing newline: {@code Out of memory: Killed
   * process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB, UID:%u
   * pgtables:%lukB oom_score_adj:%hd}.
   */
  public static String killMessage(OomCandidate c) {
    return killMessage("Out of memory", c);
  }

  /**
   * The report with another reason, such as {@code Memory cgroup out of memory}.
   *
   * @param message the text before the colon
   */
  public static String killMessage(String message, OomCandidate c) {
    return message
        + ": Killed process "
        + c.pid()
        + " ("
        + c.comm()
        + ") total-vm:"
        + kb(c.totalVm())
        + "kB, anon-rss:"
        + kb(c.anonRss())
        + "kB, file-rss:"
        + kb(c.fileRss())
        + "kB, shmem-rss:"
        + kb(c.shmemRss())
        + "kB, UID:"
        + Integer.toUnsignedString(c.uid())
        + " pgtables:"
        + kb(c.pageTablePages())
        + "kB oom_score_adj:"
        + (short) c.oomScoreAdj();
  }

  /**
   * The first line of an OOM report: {@code %s invoked oom-killer: gfp_mask=%#x(%pGg), order=%d,
   * oom_score_adj=%hd}.
   *
   * @param gfpNames the flag names the kernel prints in the parentheses, e.g. {@code
   *     GFP_HIGHUSER_MOVABLE}
   */
  public static String invokedMessage(
      String comm, int gfpMask, String gfpNames, int order, int oomScoreAdj) {
    return comm
        + " invoked oom-killer: gfp_mask="
        + (gfpMask == 0 ? "0" : "0x" + Integer.toHexString(gfpMask))
        + "("
        + gfpNames
        + "), order="
        + order
        + ", oom_score_adj="
        + (short) oomScoreAdj;
  }

  private static long kb(long pages) {
    return pages * (io.mmsim.api.mem.Page.PAGE_SIZE / 1024);
  }
}
