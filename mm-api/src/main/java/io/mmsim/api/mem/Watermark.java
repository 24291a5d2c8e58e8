package io.mmsim.api.mem;

/** The per-zone free-page watermarks ({@code WMARK_MIN}, {@code WMARK_LOW}, {@code WMARK_HIGH}). */
public enum Watermark {
  /** Below it only privileged allocations succeed and direct reclaim runs. */
  MIN,
  /** Below it kswapd is woken. */
  LOW,
  /** kswapd reclaims until free pages reach it. */
  HIGH
}
