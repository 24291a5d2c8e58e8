/**
 * Workloads as a library: the readers of mmsim's workload text, valgrind lackey and {@code
 * --trace-malloc} logs and page-reference strings, their replay against a booted kernel, and the
 * counters of a run.
 *
 * <pre>{@code
 * Workload w = Workload.open(Path.of("sort.lackey"));
 * RunResult r = w.replay(Kernel.builder().set("rss.limit", "48").boot());
 * long faults = r.counter("pgfault");
 * }</pre>
 */
module io.mmsim.workload {
  requires transitive io.mmsim.kernel;

  exports io.mmsim.workload;
}
