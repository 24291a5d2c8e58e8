package io.mmsim.api.page;

/**
 * The outcome of compacting a zone ({@code enum compact_result} in {@code
 * include/linux/compaction.h}), in the kernel's order: a later constant means more progress.
 *
 * @since 1.2
 */
public enum CompactResult {
  /**
   * {@code COMPACT_NOT_SUITABLE_ZONE}: the fragmentation index says the zone is short of memory.
   */
  NOT_SUITABLE_ZONE,
  /** {@code COMPACT_SKIPPED}: too few free pages to migrate into; reclaim first. */
  SKIPPED,
  /** {@code COMPACT_DEFERRED}: recent failures at this order defer the attempt. */
  DEFERRED,
  /** {@code COMPACT_NO_SUITABLE_PAGE}: nothing movable. */
  NO_SUITABLE_PAGE,
  /** {@code COMPACT_CONTINUE}: not finished (never returned by a whole run). */
  CONTINUE,
  /** {@code COMPACT_COMPLETE}: the scanners met; the whole zone was scanned. */
  COMPLETE,
  /** {@code COMPACT_PARTIAL_SKIPPED}: the scanners met on a partial scan. */
  PARTIAL_SKIPPED,
  /**
   * {@code COMPACT_CONTENDED}: the free scanner ran out of target pages before the scanners met.
   */
  CONTENDED,
  /** {@code COMPACT_SUCCESS}: a free block of the requested order exists (or the goal is met). */
  SUCCESS
}
