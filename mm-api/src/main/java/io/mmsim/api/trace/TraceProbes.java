package io.mmsim.api.trace;

import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The listeners subscribed to a {@link Tracer}, each with the set of tracepoints it asked for, and
 * the call of the ones that want an event: the probes registered on each tracepoint and the loop
 * that runs them ({@code kernel/tracepoint.c: tracepoint_probe_register}, {@code __DO_TRACE} in
 * {@code include/linux/tracepoint.h}).
 *
 * <p>A set is a bit mask over {@link Tracepoint#ordinal()}, so a call tests one bit per listener.
 * The arrays are copied on every change, never changed in place: a listener that subscribes or
 * unsubscribes during a call leaves the loop that is running it intact.
 */
final class TraceProbes {

  private static final int MASK_WORDS = (Tracepoint.all().size() + 63) >>> 6;

  private TraceListener[] listeners = new TraceListener[0];
  private long[][] masks = new long[0][];
  private final TraceEvent event = new TraceEvent();
  private boolean dispatching;
  private RuntimeException failure;

  /** What removes a listener that threw: the tracer's own unsubscribe, which keeps it in step. */
  private final Consumer<TraceListener> onFailure;

  TraceProbes(Consumer<TraceListener> onFailure) {
    this.onFailure = onFailure;
  }

  /** Adds {@code listener} for {@code points}, replacing the set it had. */
  void register(Set<Tracepoint> points, TraceListener listener) {
    long[] mask = new long[MASK_WORDS];
    for (Tracepoint t : points) {
      mask[t.ordinal() >>> 6] |= 1L << t.ordinal();
    }
    unregister(listener);
    int n = listeners.length;
    listeners = Arrays.copyOf(listeners, n + 1);
    masks = Arrays.copyOf(masks, n + 1);
    listeners[n] = listener;
    masks[n] = mask;
  }

  /** Removes {@code listener}; false if it was not registered. */
  boolean unregister(TraceListener listener) {
    for (int i = 0; i < listeners.length; i++) {
      if (listeners[i] == listener) {
        int n = listeners.length - 1;
        TraceListener[] l = new TraceListener[n];
        long[][] m = new long[n][];
        System.arraycopy(listeners, 0, l, 0, i);
        System.arraycopy(listeners, i + 1, l, i, n - i);
        System.arraycopy(masks, 0, m, 0, i);
        System.arraycopy(masks, i + 1, m, i, n - i);
        listeners = l;
        masks = m;
        return true;
      }
    }
    return false;
  }

  /** True while at least one listener is registered. */
  boolean any() {
    return listeners.length > 0;
  }

  /** The exception of the first listener that threw (and was removed), or null. */
  RuntimeException failure() {
    return failure;
  }

  /**
   * The event to fill for the next call: the one reused event, or a fresh one while a call is
   * running, so that a listener that reaches back into the kernel does not see the event it reads
   * change under it.
   */
  TraceEvent event() {
    return dispatching ? new TraceEvent() : event;
  }

  /** Calls every listener whose set holds {@code e}'s tracepoint, in the order they subscribed. */
  void call(TraceEvent e) {
    boolean outer = !dispatching;
    dispatching = true;
    try {
      int id = e.tracepoint.ordinal();
      TraceListener[] ls = listeners;
      long[][] ms = masks;
      for (int i = 0; i < ls.length; i++) {
        if ((ms[i][id >>> 6] & (1L << id)) != 0) {
          deliver(ls[i], e);
        }
      }
    } finally {
      if (outer) {
        dispatching = false;
      }
    }
  }

  private void deliver(TraceListener l, TraceEvent e) {
    try {
      l.event(e);
    } catch (RuntimeException ex) {
      if (failure == null) {
        failure = ex;
      }
      onFailure.accept(l);
    }
  }
}
