package io.mmsim.bench;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Access;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.mm.Processes;
import io.mmsim.kernel.mm.Task;

/**
 * A process writing each page of a 1 GiB anonymous mapping once: one demand-zero minor fault per
 * page, {@value #PER_INVOCATION} pages per benchmark invocation. When the mapping is used up it is
 * unmapped and mapped again before the next invocation, outside the measurement (an invocation
 * lasts tens of microseconds, so the per-invocation setup costs JMH nothing measurable).
 */
final class AnonFaults {
  static final long SIZE = 1L << 30;
  static final int PER_INVOCATION = 256;

  private final Processes p;
  private final Task task;
  private long base;
  private long offset;

  /** Spawns pid 1 in {@code kernel} and maps its 1 GiB. */
  AnonFaults(Kernel kernel) {
    p = kernel.processes();
    task = p.spawn(1);
    base = map();
  }

  private long map() {
    offset = 0;
    return p.mmap(1, SIZE, Prot.READ | Prot.WRITE, null, 0, false, -1, false);
  }

  /** Maps the range again when the next invocation would run past its end. */
  void room() {
    if (offset + ((long) PER_INVOCATION << Page.PAGE_SHIFT) > SIZE) {
      p.munmap(1, base, SIZE);
      base = map();
    }
  }

  /** Writes the next {@value #PER_INVOCATION} pages; each write takes one minor fault. */
  int faultIn() {
    int faulted = 0;
    long a = base + offset;
    for (int k = 0; k < PER_INVOCATION; k++) {
      if (p.touch(task, 0, a, Access.WRITE)) {
        faulted++;
      }
      a += Page.PAGE_SIZE;
    }
    offset = a - base;
    if (faulted != PER_INVOCATION) {
      throw new IllegalStateException(
          "only " + faulted + " of " + PER_INVOCATION + " writes succeeded");
    }
    return faulted;
  }
}
