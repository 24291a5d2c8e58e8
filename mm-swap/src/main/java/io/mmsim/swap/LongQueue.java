package io.mmsim.swap;

/** A growable FIFO ring of {@code long}s (the frames waiting for reclaim outside any policy). */
final class LongQueue {
  private long[] ring = new long[16];
  private int head;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void add(long v) {
    if (size == ring.length) {
      long[] r = new long[ring.length * 2];
      for (int i = 0; i < size; i++) {
        r[i] = ring[(head + i) & (ring.length - 1)];
      }
      ring = r;
      head = 0;
    }
    ring[(head + size) & (ring.length - 1)] = v;
    size++;
  }

  long poll() {
    if (size == 0) {
      throw new IllegalStateException("empty queue");
    }
    long v = ring[head];
    head = (head + 1) & (ring.length - 1);
    size--;
    return v;
  }

  /** The i-th element from the head (for tests and invariant checks). */
  long get(int i) {
    return ring[(head + i) & (ring.length - 1)];
  }
}
