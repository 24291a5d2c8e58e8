package io.mmsim.api.page;

/**
 * The per-zone NUMA allocation events ({@code enum numa_stat_item} in {@code
 * include/linux/mmzone.h}, counted by {@code zone_statistics} in {@code mm/page_alloc.c}), in the
 * kernel's order. Each allocation counts once, whatever its order.
 */
public enum NumaStat {
  /** Served by the node the allocation preferred (counted on the serving zone). */
  HIT("numa_hit"),
  /** Served by another node than the preferred one (counted on the serving zone). */
  MISS("numa_miss"),
  /** Preferred this zone's node but was served elsewhere (counted on the preferred zone). */
  FOREIGN("numa_foreign"),
  /** An interleave policy's page that landed on the node the policy chose. */
  INTERLEAVE("numa_interleave"),
  /** Served by the node of the CPU that asked. */
  LOCAL("numa_local"),
  /** Served by another node than the asking CPU's. */
  OTHER("numa_other");

  private final String procName;

  NumaStat(String procName) {
    this.procName = procName;
  }

  /** The name /proc/vmstat and /proc/zoneinfo print. */
  public String procName() {
    return procName;
  }
}
