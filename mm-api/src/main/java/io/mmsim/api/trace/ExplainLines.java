package io.mmsim.api.trace;

import java.util.ArrayList;
import java.util.List;

import io.mmsim.api.mem.MigrateType;

/**
 * The lines of one step's explanation, and the words its sentences share (pfns, orders, ranges,
 * migratetypes). Indented lines, capped at {@link Explainer#MAX_LINES}. An allocation's own
 * sentence ({@code kmalloc}, {@code kmem_cache_alloc}) is known last, after the steps it took:
 * {@link #head} puts it above them, at the mark, and indents them under it. A free names itself
 * first, and nothing a free does allocates, so the mark follows a free's lines until the next
 * allocation step starts.
 */
final class ExplainLines {
  private final List<String> lines = new ArrayList<>();
  private long over;
  private int mark;

  /** The line being added explains a milestone: it may pass MAX_LINES. */
  boolean milestone;

  private int milestoneLines;

  /** The cache of the last object handed out, for the kmalloc sentence that follows. */
  String lastCache;

  private boolean inFree;

  void add(int level, String text) {
    if (lines.size() < Explainer.MAX_LINES) {
      lines.add("  ".repeat(level) + text);
    } else if (milestone && milestoneLines < Explainer.MAX_MILESTONES) {
      lines.add("  ".repeat(level) + text);
      milestoneLines++;
    } else {
      over++;
    }
    if (inFree) {
      mark = lines.size();
    }
  }

  /** An allocation step starts (or goes on): the lines from here on belong to it. */
  void allocating() {
    inFree = false;
  }

  /** A free's own sentence: the lines after it are its steps. */
  void free(String text) {
    add(1, text);
    inFree = true;
    mark = lines.size();
  }

  /** An allocation's own sentence, above the steps it took since the mark. */
  void head(String text) {
    if (lines.size() >= Explainer.MAX_LINES) {
      over++;
      return;
    }
    for (int i = mark; i < lines.size(); i++) {
      lines.set(i, "  " + lines.get(i));
    }
    lines.add(mark, "  " + text);
    mark = lines.size();
    inFree = false;
  }

  List<String> finish() {
    if (over > 0) {
      lines.add(
          "  "
              + over
              + " more lines (--trace all shows every event; reclaim, OOM and compaction"
              + " milestones are shown above)");
    }
    return lines;
  }

  // ------------------------------------------------------------------ words

  static String pages(long order) {
    long n = 1L << order;
    return n == 1 ? "1 page (order 0)" : n + " pages (order " + order + ")";
  }

  static String range(long lo, long hi) {
    return lo == hi ? Long.toString(lo) : lo + ".." + hi;
  }

  static String zoneMt(long zone, long mt) {
    return TpPrintk.zone(zone) + "/" + mt(mt);
  }

  static String mt(long mt) {
    return mt >= 0 && mt < MigrateType.count()
        ? MigrateType.ofIndex((int) mt).kernelName()
        : Long.toString(mt);
  }

  static String pfn(long pfn) {
    return "pfn " + hex(pfn);
  }

  static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }

  static String ptr(long p) {
    return "0x" + Long.toHexString(p);
  }
}
