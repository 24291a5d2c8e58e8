/** The {@code mm} command: boots a kernel from configuration and replays workloads. */
module io.mmsim.cli {
  requires io.mmsim.workload;
  requires io.mmsim.experiment;
  requires io.mmsim.report;
  requires me.tongfei.progressbar;
  requires info.picocli;
  requires org.slf4j;

  // picocli fills the annotated option fields reflectively
  opens io.mmsim.cli to
      info.picocli;
}
