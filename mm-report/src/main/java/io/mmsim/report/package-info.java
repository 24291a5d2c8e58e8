/**
 * The HTML report of a run ({@code mm run --report}) and of a sweep ({@code mm sweep --report}).
 *
 * <p>{@link io.mmsim.report.RunRecorder} listens to a replay and to the kernel's tracepoints and
 * keeps, after each workload line, what the pictures need: the frame-use map of every part ({@link
 * io.mmsim.api.mem.FrameMap}) run-length encoded, each zone's free lists and watermarks, the vmstat
 * counters, each process's resident and swapped pages, and the tracepoint counts. {@link
 * io.mmsim.report.HtmlReport} turns that into one page: inline SVG charts drawn in Java, and a
 * canvas memory map drawn by a short script of mmsim's own, both inlined, so the page works
 * offline. {@link io.mmsim.report.SweepReport} puts a sweep's charts and result table on one page.
 */
package io.mmsim.report;
