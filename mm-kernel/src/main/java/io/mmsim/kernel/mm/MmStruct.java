package io.mmsim.kernel.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.mmsim.api.fault.AddressSpace;
import io.mmsim.api.fault.Vma;

/**
 * A process's address space ({@code struct mm_struct}): its page-table root, its areas sorted by
 * start address and never overlapping, the heap's bounds and its resident-page counters.
 */
final class MmStruct implements AddressSpace {
  private final int pid;
  private final long root;
  private final TreeMap<Long, VmAreaStruct> areas = new TreeMap<>();
  private VmAreaStruct lastHit;
  long startBrk;
  long brk;

  /** Resident anonymous pages (MM_ANONPAGES). */
  long anonRss;

  /** Resident file pages (MM_FILEPAGES). */
  long fileRss;

  /** Resident shmem pages (MM_SHMEMPAGES). */
  long shmemRss;

  /** The most resident pages this address space has had ({@code hiwater_rss}, VmHWM). */
  long hiwaterRss;

  /** PMD-mapped transparent huge pages of this address space (its share of NR_ANON_THPS). */
  int nrThps;

  /** Swap entries in this process's page tables (MM_SWAPENTS). */
  long swapEnts;

  /**
   * The task's NUMA memory policy (task_struct->mempolicy, set by set_mempolicy; one task per
   * address space here, so it lives with the mm).
   */
  Mempolicy mempolicy = Mempolicy.DEFAULT;

  /** Areas given a policy of their own by mbind, so a fault looks its area up only then. */
  int areaPolicies;

  /** The replacement policy of this process's resident set ({@code rss.limit}), or null. */
  io.mmsim.api.reclaim.ReplacementPolicy policy;

  /** True when {@link #policy} wants every reference. */
  boolean everyReference;

  /** The page the current access inserted into {@link #policy}, or -1. */
  long insertedVpn = -1;

  /** The reclaim scope of this process (keys are its virtual page numbers), or null. */
  io.mmsim.api.swap.ReclaimContext reclaim;

  MmStruct(int pid, long root) {
    this.pid = pid;
    this.root = root;
  }

  @Override
  public int pid() {
    return pid;
  }

  @Override
  public long root() {
    return root;
  }

  @Override
  public Vma findVma(long addr) {
    return find(addr);
  }

  /** The area containing {@code addr}, or null; caches the last hit for repeated faults. */
  VmAreaStruct find(long addr) {
    VmAreaStruct v = lastHit;
    if (v != null && addr >= v.start && addr < v.end) {
      return v;
    }
    Map.Entry<Long, VmAreaStruct> e = areas.floorEntry(addr);
    if (e == null || addr >= e.getValue().end) {
      return null;
    }
    lastHit = e.getValue();
    return lastHit;
  }

  /** True when no area intersects {@code [start, end)}. */
  boolean isFree(long start, long end) {
    Map.Entry<Long, VmAreaStruct> e = areas.lowerEntry(end);
    return e == null || e.getValue().end <= start;
  }

  /** The areas intersecting {@code [start, end)}, by address. */
  List<VmAreaStruct> intersecting(long start, long end) {
    List<VmAreaStruct> out = new ArrayList<>();
    Map.Entry<Long, VmAreaStruct> first = areas.lowerEntry(start + 1);
    Long from = first != null && first.getValue().end > start ? first.getKey() : start;
    for (VmAreaStruct v : areas.subMap(from, true, end, false).values()) {
      if (v.end > start) {
        out.add(v);
      }
    }
    return out;
  }

  void insert(VmAreaStruct v) {
    areas.put(v.start, v);
    lastHit = null;
  }

  void remove(VmAreaStruct v) {
    areas.remove(v.start);
    lastHit = null;
  }

  /** Every area by address. */
  List<VmAreaStruct> areas() {
    return new ArrayList<>(areas.values());
  }

  /**
   * The highest free gap of {@code length} bytes ending at or below {@code top} and starting at or
   * above {@code floor} (top-down allocation, as the kernel's mmap layout does), or -1.
   */
  long findGapTopDown(long length, long floor, long top) {
    long limit = top;
    for (VmAreaStruct v : areas.descendingMap().values()) {
      if (v.start >= limit) {
        continue;
      }
      if (v.end < limit && limit - v.end >= length) {
        return limit - length >= floor ? limit - length : -1;
      }
      limit = v.start;
    }
    return limit - floor >= length ? limit - length : -1;
  }

  /**
   * Raises {@link #hiwaterRss} to the current resident set. The kernel updates {@code hiwater_rss}
   * lazily ({@code update_hiwater_rss}, before the set shrinks); mmsim does it on every growth.
   */
  void updateHiwaterRss() {
    long r = rss();
    if (r > hiwaterRss) {
      hiwaterRss = r;
    }
  }

  /** Resident pages of every kind ({@code get_mm_rss}). */
  long rss() {
    return anonRss + fileRss + shmemRss;
  }

  /** Total mapped bytes (VmSize). */
  long totalVm() {
    long t = 0;
    for (VmAreaStruct v : areas.values()) {
      t += v.end - v.start;
    }
    return t;
  }
}
