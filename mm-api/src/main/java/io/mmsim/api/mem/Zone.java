package io.mmsim.api.mem;

/**
 * The memory zones of x86-64 Linux that mmsim models, in the kernel's index order.
 *
 * <p>DMA covers the first 16 MiB, DMA32 the rest below 4 GiB, Normal everything above. Movable and
 * Device zones are not modelled; HighMem exists only on 32-bit kernels.
 */
public enum Zone {
  /** {@code ZONE_DMA}: frames below 16 MiB, for ISA-era devices. */
  DMA("DMA", 0, 16L << 20 >>> Page.PAGE_SHIFT),
  /** {@code ZONE_DMA32}: frames from 16 MiB to 4 GiB, for 32-bit devices. */
  DMA32("DMA32", 16L << 20 >>> Page.PAGE_SHIFT, 4L << 30 >>> Page.PAGE_SHIFT),
  /** {@code ZONE_NORMAL}: everything from 4 GiB up. */
  NORMAL("Normal", 4L << 30 >>> Page.PAGE_SHIFT, Long.MAX_VALUE);

  private static final Zone[] VALUES = values();

  private final String kernelName;
  private final long firstPfn;
  private final long limitPfn;

  Zone(String kernelName, long firstPfn, long limitPfn) {
    this.kernelName = kernelName;
    this.firstPfn = firstPfn;
    this.limitPfn = limitPfn;
  }

  /** The name the kernel prints in /proc ({@code DMA}, {@code DMA32}, {@code Normal}). */
  public String kernelName() {
    return kernelName;
  }

  /** The first PFN this zone may span on any machine. */
  public long firstPfn() {
    return firstPfn;
  }

  /** The PFN past the last one this zone may span ({@code Long.MAX_VALUE} for Normal). */
  public long limitPfn() {
    return limitPfn;
  }

  /** The zone that holds {@code pfn}. */
  public static Zone of(long pfn) {
    if (pfn < DMA.limitPfn) {
      return DMA;
    }
    return pfn < DMA32.limitPfn ? DMA32 : NORMAL;
  }

  /** The zone with index {@code i} (0 = DMA). */
  public static Zone ofIndex(int i) {
    return VALUES[i];
  }

  /** Number of modelled zones. */
  public static int count() {
    return VALUES.length;
  }
}
