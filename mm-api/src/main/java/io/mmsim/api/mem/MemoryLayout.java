package io.mmsim.api.mem;

/**
 * The physical layout of the simulated machine: how many 4 KiB frames it has and which of them each
 * zone spans.
 *
 * <p>Memory starts at PFN 0 and has no holes, so for every zone spanned equals present. A zone that
 * the machine is too small to reach spans nothing.
 *
 * <p>With more than one NUMA node ({@link #numa()}), each node spans a contiguous range of frames
 * and has its own zones: zone {@code z} of node {@code n} is the part of the node's range that lies
 * in the zone's PFN range.
 *
 * @param frames number of page frames, at least one
 * @param cpus number of simulated CPUs, at least one
 * @param numa the nodes, their frames, CPUs and distances
 */
public record MemoryLayout(long frames, int cpus, NumaTopology numa) {

  /** Validates the layout. */
  public MemoryLayout {
    if (frames <= 0) {
      throw new IllegalArgumentException("a machine needs at least one frame, not " + frames);
    }
    if (cpus <= 0) {
      throw new IllegalArgumentException("a machine needs at least one CPU, not " + cpus);
    }
    if (numa.frames() != frames || numa.cpus() != cpus) {
      throw new IllegalArgumentException(
          "the NUMA topology ("
              + numa
              + ") does not describe "
              + frames
              + " frames and "
              + cpus
              + " CPUs");
    }
  }

  /** A single-node layout. */
  public MemoryLayout(long frames, int cpus) {
    this(frames, cpus, NumaTopology.single(frames, cpus));
  }

  /** Number of NUMA nodes. */
  public int nodes() {
    return numa.nodes();
  }

  /**
   * First PFN of {@code zone} on node {@code nid} (equals {@link #zoneEnd(int, Zone)} if empty).
   */
  public long zoneStart(int nid, Zone zone) {
    long lo = numa.nodeStart(nid);
    long hi = numa.nodeEnd(nid);
    return Math.min(Math.max(zone.firstPfn(), lo), hi);
  }

  /** PFN past the last of {@code zone} on node {@code nid}. */
  public long zoneEnd(int nid, Zone zone) {
    long hi = numa.nodeEnd(nid);
    return Math.max(Math.min(zone.limitPfn(), hi), zoneStart(nid, zone));
  }

  /** Frames spanned by {@code zone} of node {@code nid}. */
  public long zoneSpanned(int nid, Zone zone) {
    return zoneEnd(nid, zone) - zoneStart(nid, zone);
  }

  /** True when {@code zone} of node {@code nid} spans at least one frame. */
  public boolean populated(int nid, Zone zone) {
    return zoneSpanned(nid, zone) > 0;
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
