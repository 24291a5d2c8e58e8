package io.mmsim.workload;

/** The input formats a workload file may be in; {@link Workload#open} tells them by content. */
public enum WorkloadFormat {
  /** mmsim's own text workload, one operation a line. */
  WORKLOAD,
  /** valgrind {@code --trace-malloc=yes} output, replayed as kmalloc/kfree. */
  MALLOC_TRACE,
  /** valgrind {@code --tool=lackey --trace-mem=yes} output, replayed as one process. */
  LACKEY,
  /** A page-reference string: page numbers, one a line or comma-separated. */
  REFERENCE_STRING
}
