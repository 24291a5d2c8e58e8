package io.mmsim.api.object;

import java.util.List;

import io.mmsim.api.BadAddressException;

/**
 * A slab allocator found an object misused or corrupted, and reports it in the kernel's words.
 *
 * <p>The message is the kernel's headline, e.g. {@code BUG kmalloc-64 (Not tainted): Object already
 * free}; {@link #report()} holds the whole report (the {@code =} and {@code -} rules, the {@code
 * INFO}/{@code FIX} lines, the object dump) as the kernel would print it. The allocator is
 * unchanged by the call that raised it.
 */
public final class SlabBugException extends BadAddressException {
  private static final long serialVersionUID = 1L;

  private final String cacheName;
  private final String reason;
  private final String[] report;

  /**
   * A report about the object at {@code address} in cache {@code cacheName}.
   *
   * @param reason the kernel's short text, e.g. {@code Object already free}
   * @param report every line of the full report
   */
  public SlabBugException(long address, String cacheName, String reason, List<String> report) {
    super(address, "BUG " + cacheName + " (Not tainted): " + reason);
    this.cacheName = cacheName;
    this.reason = reason;
    this.report = report.toArray(new String[0]);
  }

  /** The cache the object belongs to (or was freed into). */
  public String cacheName() {
    return cacheName;
  }

  /** The kernel's short text for what went wrong. */
  public String reason() {
    return reason;
  }

  /** Every line of the report, as the kernel prints it. */
  public List<String> report() {
    return List.of(report);
  }
}
