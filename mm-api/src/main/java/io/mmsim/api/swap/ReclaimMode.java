package io.mmsim.api.swap;

/** Who is reclaiming, which decides the counters charged (vmstat's kswapd and direct columns). */
public enum ReclaimMode {
  /** Background reclaim between the low and high watermarks (pgscan_kswapd, pgsteal_kswapd). */
  KSWAPD,
  /** An allocating task reclaiming for itself (pgscan_direct, pgsteal_direct, allocstall). */
  DIRECT,
  /**
   * A process over its resident limit reclaiming its own pages, as a memory cgroup at its limit;
   * charged to the direct counters as the kernel does for memcg reclaim.
   */
  LIMIT
}
