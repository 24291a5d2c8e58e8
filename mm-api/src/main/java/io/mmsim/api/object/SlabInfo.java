package io.mmsim.api.object;

/**
 * One row of /proc/slabinfo (version 2.1).
 *
 * @param name cache name
 * @param activeObjs objects in use
 * @param numObjs objects in all slabs
 * @param objSize bytes per object as slabinfo shows it
 * @param objPerSlab objects per slab
 * @param pagesPerSlab pages per slab
 * @param limit SLAB's per-CPU array limit (0 for SLUB)
 * @param batchCount SLAB's batch count (0 for SLUB)
 * @param sharedFactor SLAB's shared array factor (0 for SLUB)
 * @param activeSlabs slabs holding at least one object in use
 * @param numSlabs all slabs
 * @param sharedAvail objects in SLAB's shared arrays (0 for SLUB)
 */
public record SlabInfo(
    String name,
    long activeObjs,
    long numObjs,
    int objSize,
    int objPerSlab,
    int pagesPerSlab,
    int limit,
    int batchCount,
    int sharedFactor,
    long activeSlabs,
    long numSlabs,
    long sharedAvail) {

  /** The row exactly as the kernel prints it, without the trailing newline. */
  public String format() {
    return String.format(
        "%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d",
        name,
        activeObjs,
        numObjs,
        objSize,
        objPerSlab,
        pagesPerSlab,
        limit,
        batchCount,
        sharedFactor,
        activeSlabs,
        numSlabs,
        sharedAvail);
  }
}
