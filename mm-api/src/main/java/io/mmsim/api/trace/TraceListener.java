package io.mmsim.api.trace;

/**
 * Receives the events of the tracepoints it subscribed to ({@link Tracer#subscribe}).
 *
 * <p>Called on the kernel's thread in the middle of the operation that emitted: read the event (and
 * the kernel, if needed) but change nothing, and keep a {@link TraceEvent#copy()} to look at an
 * event after the call.
 */
@FunctionalInterface
public interface TraceListener {

  /** One event, valid during this call only. */
  void event(TraceEvent event);
}
