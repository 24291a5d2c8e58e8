package io.mmsim.kernel.stat;

/** The facade's event counters: one {@code long} per {@link VmEvent}, no boxing. */
public final class VmEvents {
  private final long[] counts = new long[VmEvent.values().length];

  /** All counters at zero. */
  public VmEvents() {}

  /** Adds one. */
  public void count(VmEvent e) {
    counts[e.ordinal()]++;
  }

  /** Adds {@code delta}. */
  public void add(VmEvent e, long delta) {
    counts[e.ordinal()] += delta;
  }

  /** The current value. */
  public long get(VmEvent e) {
    return counts[e.ordinal()];
  }
}
