package io.mmsim.kernel.mm;

import java.util.ArrayList;
import java.util.List;

import io.mmsim.api.mem.Page;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.swap.SwapSystem;
import io.mmsim.api.trace.Tracer;
import io.mmsim.kernel.stat.VmEvent;
import io.mmsim.kernel.stat.VmEvents;

/*
 * The OOM killer (mm/oom_kill.c: out_of_memory, select_bad_process, oom_badness, oom_kill_process),
 * run when a fault cannot get memory even after reclaim.
 *
 * Badness (oom_badness): RSS + swap entries + page-table pages, plus oom_score_adj * (totalpages
 * / 1000) (the division first, in integers), where totalpages is RAM plus swap in pages. An
 * unkillable process or one with oom_score_adj -1000 scores Long.MIN_VALUE and is never chosen.
 *
 * Choice (select_bad_process): candidates in process-list order (pid order here); a score at
 * least as high as the best so far replaces it, so on a tie the later process is killed.
 *
 * Report, in the kernel's words (one line, as dump_header's last line and the kill notice):
 *   Out of memory: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB,
 *   shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%hd
 * The victim's memory is then freed at once (what the oom_reaper and the victim's exit do).
 *
 * mmsim has no users and no oom_score_adj setting yet: every process has uid 0 and adj 0.
 *
 * Not thread-safe: the kernel facade serialises calls.
 */
final class OomKiller {
  /** Lowest oom_score_adj: never kill ({@code OOM_SCORE_ADJ_MIN}). */
  static final int OOM_SCORE_ADJ_MIN = -1000;

  /** Highest oom_score_adj ({@code OOM_SCORE_ADJ_MAX}). */
  static final int OOM_SCORE_ADJ_MAX = 1000;

  private final Tasks tasks;
  private final PageAllocator pages;
  private final PageTable pageTable;
  private final Vmscan vmscan;
  private final VmEvents events;

  OomKiller(Tasks tasks, PageAllocator pages, PageTable pageTable, Vmscan vmscan, VmEvents events) {
    this.tasks = tasks;
    this.pages = pages;
    this.pageTable = pageTable;
    this.vmscan = vmscan;
    this.events = events;
  }

  /**
   * Kills the live process with the highest badness and reports it.
   *
   * @return the victim, or null when no process can be killed
   */
  Task oomKill() {
    List<OomCandidate> candidates = new ArrayList<>();
    for (Task t : tasks.live()) {
      candidates.add(candidate(t));
    }
    SwapSystem swap = vmscan.swap();
    long totalPages = pages.managedPages() + (swap == null ? 0 : swap.totalSwapPages());
    OomCandidate c = selectBadProcess(candidates, totalPages);
    if (c == null) {
      return null;
    }
    Task victim = tasks.task(c.pid());
    Tracer trace = tasks.trace;
    if (trace.on()) {
      trace.markVictim(
          c.pid(),
          c.comm(),
          kb(c.totalVm()),
          kb(c.anonRss()),
          kb(c.fileRss()),
          kb(c.shmemRss()),
          c.uid(),
          kb(c.pageTablePages()),
          c.oomScoreAdj());
    }
    tasks.report(killMessage(c));
    events.count(VmEvent.OOM_KILL);
    tasks.exit(victim, "killed by the OOM killer");
    return victim;
  }

  private OomCandidate candidate(Task t) {
    MmStruct mm = t.mm;
    return new OomCandidate(
        t.pid,
        t.comm,
        0,
        mm.totalVm() >>> Page.PAGE_SHIFT,
        mm.anonRss,
        mm.fileRss,
        mm.shmemRss,
        mm.swapEnts,
        Math.max(0, pageTable.tablePages(mm.root()) - 1),
        0,
        false);
  }

  // ------------------------------------------------------------------ the kernel's arithmetic

  /** The badness of {@code c} with {@code totalPages} = RAM + swap pages ({@code oom_badness}). */
  static long badness(OomCandidate c, long totalPages) {
    if (c.unkillable() || c.oomScoreAdj() == OOM_SCORE_ADJ_MIN) {
      return Long.MIN_VALUE;
    }
    long points = c.rss() + c.swapEntries() + c.pageTablePages();
    long adj = (long) c.oomScoreAdj() * (totalPages / 1000);
    return points + adj;
  }

  /**
   * The process to kill, or {@code null} when none may be killed ({@code select_bad_process}).
   *
   * @param candidates every process, in process-list order
   * @param totalPages RAM + swap in pages
   */
  static OomCandidate selectBadProcess(List<OomCandidate> candidates, long totalPages) {
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

  /** The kernel's report of a kill, without the trailing newline. */
  static String killMessage(OomCandidate c) {
    return "Out of memory: Killed process "
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

  private static long kb(long pages) {
    return pages * (Page.PAGE_SIZE / 1024);
  }
}
