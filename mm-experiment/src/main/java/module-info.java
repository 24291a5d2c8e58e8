/**
 * Experiments over many simulated kernels: one-pass miss-ratio curves (Mattson's LRU and OPT
 * stacks, SHARDS sampling), sweeps of configurations against workloads, results as CSV and JSON,
 * and charts.
 */
module io.mmsim.experiment {
  requires transitive io.mmsim.workload;
  requires org.slf4j;
  requires org.apache.commons.csv;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires org.jfree.jfreechart;
  requires org.jfree.svg;
  requires java.desktop;

  exports io.mmsim.experiment.mrc;
  exports io.mmsim.experiment.sweep;
  exports io.mmsim.experiment.chart;
}
