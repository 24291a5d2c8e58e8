package io.mmsim.experiment.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Combines the folders of a sharded sweep ({@code --shard I/N}) into the files the unsharded sweep
 * writes: {@code results.csv}, {@code results.json}, {@code runs.jsonl} (in run order), {@code
 * sweep.json} and the charts. Timing columns aside, the bytes are those of the sweep run in one
 * piece.
 */
public final class SweepMerge {
  private SweepMerge() {}

  /**
   * Merges {@code shards} into {@code out}.
   *
   * @return the merged rows, in run order
   * @throws SweepException when the folders hold different grids, a run twice with different
   *     results, or not every run of the grid; nothing is written then
   */
  public static List<RunRow> merge(Path out, List<Path> shards) throws IOException {
    if (shards.isEmpty()) {
      throw new SweepException(null, "give the shards' folders to merge");
    }
    ResultFiles.Manifest first = null;
    TreeMap<Integer, RunRow> rows = new TreeMap<>();
    for (Path dir : shards) {
      ResultFiles.Manifest m = ResultFiles.readManifest(dir.resolve(ResultFiles.MANIFEST));
      if (first == null) {
        first = m;
      } else if (!first.sameGrid(m)) {
        throw new SweepException(
            null,
            dir + " holds a different grid from " + shards.get(0) + ": not shards of one sweep");
      }
      List<String> keys = new Grid(m.varies(), m.workloads().size()).keys();
      for (RunRow r : ResultFiles.readJournal(dir.resolve(ResultFiles.JOURNAL), keys)) {
        RunRow had = rows.putIfAbsent(r.index(), r);
        if (had != null && !had.sameResult(r)) {
          throw new SweepException(
              null, "run " + r.index() + " differs between the shards: " + had + " / " + r);
        }
      }
    }
    Grid grid = new Grid(first.varies(), first.workloads().size());
    int missing = grid.runs() - rows.size();
    if (missing > 0) {
      int example = 0;
      while (rows.containsKey(example)) {
        example++;
      }
      throw new SweepException(
          null,
          missing
              + " of the grid's "
              + grid.runs()
              + " runs are in none of the folders (run "
              + example
              + " first): merge every shard");
    }
    if (rows.lastKey() >= grid.runs() || rows.firstKey() < 0) {
      throw new SweepException(null, "a journal holds a run outside the grid");
    }
    Files.createDirectories(out);
    List<RunRow> list = new ArrayList<>(rows.values());
    ResultFiles.writeManifest(
        out.resolve(ResultFiles.MANIFEST),
        new ResultFiles.Manifest(first.workloads(), first.sha256(), first.varies(), 1, 1));
    StringBuilder journal = new StringBuilder();
    for (RunRow r : list) {
      journal.append(ResultFiles.jsonObject(grid.keys(), r, true)).append('\n');
    }
    Files.writeString(out.resolve(ResultFiles.JOURNAL), journal, StandardCharsets.UTF_8);
    Sweep.writeResults(out, grid.keys(), list);
    return list;
  }
}
