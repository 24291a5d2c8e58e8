/**
 * Workloads as a library: read a workload or trace once, replay it against any kernel, get its
 * counters.
 *
 * <h2>Formats</h2>
 *
 * {@link io.mmsim.workload.Workload#open} tells them apart by content ({@link
 * io.mmsim.workload.WorkloadFormat}):
 *
 * <ul>
 *   <li>mmsim's text workload, one operation a line ({@code alloc_pages}, {@code kmalloc}, {@code
 *       spawn}, {@code mmap}, {@code write}, ...), each a small method registered by name in {@code
 *       Operations} and grouped by the part it drives ({@code PageOps}, {@code ObjectOps}, {@code
 *       ProcessOps}, {@code SegmentOps});
 *   <li>valgrind {@code --trace-malloc=yes} logs, replayed as kmalloc and kfree ({@code
 *       MallocLog});
 *   <li>valgrind {@code --tool=lackey --trace-mem=yes} logs and page-reference strings, replayed as
 *       the page touches of one process ({@link io.mmsim.workload.MemoryTrace}).
 * </ul>
 *
 * <h2>Reading</h2>
 *
 * Every reader works on raw bytes through one bounded buffer: a line longer than 1 MiB, bytes that
 * are not UTF-8 text, or a malformed line stop the reading there, and the error is reported, with
 * its file and line, when replay reaches it, after the lines before it have run. Nothing uses a
 * regular expression, so reading time is linear in the input, whatever it holds.
 *
 * <h2>Replay</h2>
 *
 * {@link io.mmsim.workload.Replay} runs workloads against one kernel and turns every failure into a
 * {@link io.mmsim.workload.WorkloadException}; {@link io.mmsim.workload.RunResult} holds what a
 * replay did; a {@link io.mmsim.workload.ReplayListener} watches it step by step.
 */
package io.mmsim.workload;
