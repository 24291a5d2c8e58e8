package io.mmsim.api.swap;

import java.util.UUID;

import io.mmsim.api.mem.Page;

/**
 * A formatted swap area as {@code mkswap} reports it and {@code blkid} identifies it: its size from
 * the header, its volume label and its UUID.
 *
 * @param pages pages in the area, the header page included ({@code last_page + 1})
 * @param goodPages pages usable for swapping: all but the header and the bad pages
 * @param label the volume label, empty when none
 * @param uuid the area's UUID
 * @since 1.0
 */
public record SwapSpace(long pages, long goodPages, String label, UUID uuid) {

  /** Validates the sizes and that label and UUID are present. */
  public SwapSpace {
    if (pages < 2 || goodPages < 0 || goodPages > pages - 1) {
      throw new IllegalArgumentException(
          "bad swap space: " + pages + " pages, " + goodPages + " good");
    }
    if (label == null || uuid == null) {
      throw new IllegalArgumentException("a swap space has a label (maybe empty) and a UUID");
    }
  }

  /** Bytes usable for swapping, as mkswap prints them ({@code goodPages * PAGE_SIZE}). */
  public long usableBytes() {
    return goodPages * Page.PAGE_SIZE;
  }
}
