/**
 * Seeing inside a run: the self-contained HTML report of {@code mm run --report} and {@code mm
 * sweep --report}, and the exercises of {@code mm exercise}, whose solutions the simulator's own
 * parts compute.
 */
module io.mmsim.report {
  requires transitive io.mmsim.workload;

  exports io.mmsim.report;
  exports io.mmsim.report.exercise;
}
