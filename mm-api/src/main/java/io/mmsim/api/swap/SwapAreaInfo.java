package io.mmsim.api.swap;

import io.mmsim.api.mem.Page;

/**
 * One active swap area as /proc/swaps and swapon show it.
 *
 * @param type the area's index in swap entries
 * @param name the path of a swap file, or {@code /dev/ramN} for an in-memory area
 * @param file true for a swap file (type {@code file}), false for a device ({@code partition})
 * @param pages usable slots (the header page and bad pages excluded)
 * @param used slots in use (with a count or a swap-cache page)
 * @param priority the area's priority
 * @param space the area's header: size, label and UUID
 */
public record SwapAreaInfo(
    int type, String name, boolean file, long pages, long used, int priority, SwapSpace space) {

  /** Validates the counts. */
  public SwapAreaInfo {
    if (type < 0 || pages < 0 || used < 0 || used > pages || space == null) {
      throw new IllegalArgumentException(
          "bad swap area info: type " + type + " pages " + pages + " used " + used);
    }
  }

  /** Size in kB, as /proc/swaps prints it. */
  public long sizeKb() {
    return pages * (Page.PAGE_SIZE / 1024);
  }

  /** Used space in kB, as /proc/swaps prints it. */
  public long usedKb() {
    return used * (Page.PAGE_SIZE / 1024);
  }
}
