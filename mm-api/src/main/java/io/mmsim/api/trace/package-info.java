/**
 * Tracepoints: what the parts of a kernel report as they work, named and printed like the kernel's
 * own ({@code kmem:mm_page_alloc}, {@code exceptions:page_fault_user}, ...).
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li>{@link io.mmsim.api.trace.Tracepoint} lists every event: the kernel's (system {@code kmem},
 *       {@code exceptions}, {@code vmscan}, {@code oom}, {@code tlb}, {@code vmalloc}, laid out as
 *       their {@code TP_printk}) and mmsim's own steps (system {@code mmsim}: buddy splits and
 *       merges, walk levels, fault handling, the policy's victims), which the kernel does not trace
 *       and which explanations need.
 *   <li>{@link io.mmsim.api.trace.Tracer} is the sink: one per kernel, given to every part by its
 *       provider context. A part guards each tracepoint with {@code tracer.on()}, so that a kernel
 *       nobody listens to pays one predictable branch per tracepoint and nothing else; when on,
 *       fields go in as primitives.
 *   <li>{@link io.mmsim.api.trace.TraceListener} subscribers get a reused {@link
 *       io.mmsim.api.trace.TraceEvent} stamped with the task ({@code comm-pid}), the CPU and a
 *       deterministic simulated clock; {@link io.mmsim.api.trace.TraceEvent#appendLine} prints it
 *       as {@code trace_pipe} does.
 * </ul>
 *
 * <p>Plug-in parts may emit through the same methods; the set of tracepoints is fixed by this
 * package.
 */
package io.mmsim.api.trace;
