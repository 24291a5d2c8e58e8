package io.mmsim.workload;

import io.mmsim.api.reclaim.FutureReferences;

/**
 * The future of one replay of a {@link MemoryTrace}, for Belady's OPT: the trace's pages and
 * next-use indices (computed once per trace and shared by every replay) and this replay's position.
 */
final class TraceFuture implements FutureReferences {
  private final MemoryTrace trace;
  private final int[] next;
  private long position = -1;

  TraceFuture(MemoryTrace trace) {
    this.trace = trace;
    this.next = trace.nextUse();
  }

  void moveTo(int index) {
    position = index;
  }

  @Override
  public long length() {
    return next.length;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public long pageAt(long index) {
    return trace.page(Math.toIntExact(index));
  }

  @Override
  public long nextUse(long index) {
    int n = next[Math.toIntExact(index)];
    return n < 0 ? NEVER : n;
  }
}
