package io.mmsim.kernel.mm;

import java.util.List;

import io.mmsim.api.MmException;

/**
 * A kernel-mode access faulted where the kernel has no fixup: the oops report, in the kernel's
 * words ({@code BUG: unable to handle page fault for address: ...}, {@code #PF: ...}).
 */
public final class KernelOopsException extends MmException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> report;

  KernelOopsException(List<String> report) {
    super(String.join(System.lineSeparator(), report));
    this.report = List.copyOf(report);
  }

  /** The oops lines. */
  public List<String> report() {
    return report;
  }
}
