/**
 * Sweeps: grids of configurations run against workloads, each run on its own kernel.
 *
 * <p>{@link io.mmsim.experiment.sweep.Sweep} runs a grid (or one shard of it) on a thread pool and
 * writes {@code results.csv}, {@code results.json}, the journal {@code runs.jsonl} and charts;
 * {@link io.mmsim.experiment.sweep.SweepMerge} combines shards. {@link
 * io.mmsim.experiment.sweep.Vary} parses {@code KEY=VALUES} with its list and range forms.
 *
 * <p>Determinism: a run's row depends only on its configuration and workload, never on the thread
 * that ran it or on the order runs finish; only the timing columns {@code wall_ms} and {@code
 * refs_per_s}, which sit last, differ between two identical sweeps.
 */
package io.mmsim.experiment.sweep;
