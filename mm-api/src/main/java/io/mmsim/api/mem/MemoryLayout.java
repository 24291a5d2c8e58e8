package io.mmsim.api.mem;

/**
 * The physical layout of the simulated machine: how many 4 KiB frames it has and which of them each
 * zone spans.
 *
 * <p>Memory starts at PFN 0 and has no holes, so for every zone spanned equals present. A zone that
 * the machine is too small to reach spans nothing.
 *
 * @param frames number of page frames, at least one
 * @param cpus number of simulated CPUs, at least one
 */
public record MemoryLayout(long frames, int cpus) {

  /** Validates the layout. */
  public MemoryLayout {
    if (frames <= 0) {
      throw new IllegalArgumentException("a machine needs at least one frame, not " + frames);
    }
    if (cpus <= 0) {
      throw new IllegalArgumentException("a machine needs at least one CPU, not " + cpus);
    }
  }

  /** A layout of {@code bytes} of memory (rounded down to whole frames). */
  public static MemoryLayout ofBytes(long bytes, int cpus) {
    return new MemoryLayout(bytes >>> Page.PAGE_SHIFT, cpus);
  }

  /** Total bytes of physical memory. */
  public long bytes() {
    return frames << Page.PAGE_SHIFT;
  }

  /** First PFN of {@code zone} on this machine (equals {@link #zoneEnd} when it spans nothing). */
  public long zoneStart(Zone zone) {
    return Math.min(zone.firstPfn(), frames);
  }

  /** PFN past the last of {@code zone} on this machine. */
  public long zoneEnd(Zone zone) {
    return Math.min(zone.limitPfn(), frames);
  }

  /** Frames spanned by {@code zone} ({@code spanned_pages}). */
  public long zoneSpanned(Zone zone) {
    return zoneEnd(zone) - zoneStart(zone);
  }

  /** True when the zone spans at least one frame on this machine. */
  public boolean populated(Zone zone) {
    return zoneSpanned(zone) > 0;
  }

  /** True when {@code pfn} is a frame of this machine. */
  public boolean validPfn(long pfn) {
    return pfn >= 0 && pfn < frames;
  }
}
