package io.mmsim.api.trace;

/**
 * The LRU lists reclaim isolates pages from: the {@code lru} of {@link Tracer#mmVmscanLruIsolate},
 * the values of {@code enum lru_list} ({@code include/linux/mmzone.h}), named as {@code LRU_NAMES}
 * of {@code include/trace/events/mmflags.h} prints them.
 */
public final class LruList {

  /** {@code LRU_INACTIVE_ANON}. */
  public static final int LRU_INACTIVE_ANON = 0;

  /** {@code LRU_ACTIVE_ANON}. */
  public static final int LRU_ACTIVE_ANON = 1;

  /** {@code LRU_INACTIVE_FILE}. */
  public static final int LRU_INACTIVE_FILE = 2;

  /** {@code LRU_ACTIVE_FILE}. */
  public static final int LRU_ACTIVE_FILE = 3;

  /** {@code LRU_UNEVICTABLE}. */
  public static final int LRU_UNEVICTABLE = 4;

  private LruList() {}

  /** The list as {@code vmscan:mm_vmscan_lru_isolate} prints it, or its number when unknown. */
  static String name(int lru) {
    return switch (lru) {
      case LRU_INACTIVE_ANON -> "inactive_anon";
      case LRU_ACTIVE_ANON -> "active_anon";
      case LRU_INACTIVE_FILE -> "inactive_file";
      case LRU_ACTIVE_FILE -> "active_file";
      case LRU_UNEVICTABLE -> "unevictable";
      default -> Integer.toString(lru);
    };
  }
}
