package io.mmsim.experiment.sweep;

/**
 * Told how a sweep progresses, for a progress bar. Called from the sweep's worker threads, one call
 * at a time.
 */
public interface SweepListener {
  /**
   * The runs are about to start.
   *
   * @param toRun runs this invocation will run
   * @param skipped runs of this shard already in the journal ({@code --resume})
   */
  void started(int toRun, int skipped);

  /** A run finished (ok, oom or failed). */
  void finished(RunRow row);
}
