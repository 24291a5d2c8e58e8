package io.mmsim.api.fault;

import io.mmsim.api.paging.PageFault;

/**
 * One link of the kernel's fault-handling chain ({@code handle_mm_fault} and its helpers).
 *
 * <p>The kernel calls each configured handler in order until one does not return {@link
 * FaultOutcome#DECLINED}. A handler that resolves a fault leaves the page tables so that the
 * retried access succeeds; one that delivers a signal changes nothing.
 */
public interface FaultHandler {

  /** The provider name ({@code demand}, {@code swap}). */
  String name();

  /** Handles, or declines, one fault. */
  FaultOutcome handleMmFault(FaultContext ctx, PageFault fault);
}
