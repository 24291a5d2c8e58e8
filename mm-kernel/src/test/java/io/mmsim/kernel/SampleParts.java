package io.mmsim.kernel;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.mmsim.api.Statistics;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.object.ObjectConstructor;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.vmalloc.VirtualAllocator;
import io.mmsim.api.vmalloc.VmArea;

/**
 * Plain doubles of the parts {@code ProcFs} reads, holding values parsed from a real kernel's /proc
 * sample: each answers the questions a /proc view asks with the sample's numbers and refuses every
 * other call with {@link UnsupportedOperationException}, since it is not an allocator, only the
 * record of one machine at one moment.
 */
final class SampleParts {
  private SampleParts() {}

  static UnsupportedOperationException notSampled(String what) {
    return new UnsupportedOperationException(what + " is not part of a /proc sample");
  }

  /** A page allocator's /proc numbers: per-zone snapshots, totals and event counters. */
  static final class Pages implements PageAllocator {
    final Map<Zone, ZoneStats> zones = new EnumMap<>(Zone.class);
    long free;
    long managed;
    Statistics statistics = Statistics.builder().build();

    @Override
    public String name() {
      return "sample";
    }

    @Override
    public Statistics statistics() {
      return statistics;
    }

    @Override
    public void checkInvariants() {
      // the sample is what it is
    }

    @Override
    public long allocPages(int cpu, int gfp, int order) {
      throw notSampled("allocPages");
    }

    @Override
    public void freePages(int cpu, long pfn, int order) {
      throw notSampled("freePages");
    }

    @Override
    public void freeBootPages(long pfn, int order) {
      throw notSampled("freeBootPages");
    }

    @Override
    public void completeBoot() {
      throw notSampled("completeBoot");
    }

    @Override
    public void drainPages(int cpu) {
      throw notSampled("drainPages");
    }

    @Override
    public void drainAllPages() {
      throw notSampled("drainAllPages");
    }

    @Override
    public long nrFreePages() {
      return free;
    }

    @Override
    public long nrFreePages(Zone zone) {
      return zoneStats(zone).free();
    }

    @Override
    public long managedPages() {
      return managed;
    }

    @Override
    public long watermark(Zone zone, Watermark mark) {
      ZoneStats s = zoneStats(zone);
      return switch (mark) {
        case MIN -> s.min();
        case LOW -> s.low();
        case HIGH -> s.high();
      };
    }

    @Override
    public ZoneStats zoneStats(Zone zone) {
      ZoneStats s = zones.get(zone);
      if (s == null) {
        throw notSampled("zone " + zone);
      }
      return s;
    }

    @Override
    public int metadataBytesPerFrame() {
      throw notSampled("metadataBytesPerFrame");
    }
  }

  /** An object allocator's /proc numbers: slabinfo rows and slab page counts. */
  static final class Objects implements ObjectAllocator {
    final List<SlabInfo> rows = new ArrayList<>();
    long reclaimable;
    long unreclaimable;

    @Override
    public String name() {
      return "sample";
    }

    @Override
    public Statistics statistics() {
      return Statistics.builder().build();
    }

    @Override
    public void checkInvariants() {
      // the sample is what it is
    }

    @Override
    public KmemCache kmemCacheCreate(
        String name, int size, int align, int flags, ObjectConstructor ctor) {
      throw notSampled("kmemCacheCreate");
    }

    @Override
    public KmemCache findCache(String name) {
      throw notSampled("findCache");
    }

    @Override
    public List<KmemCache> caches() {
      throw notSampled("caches");
    }

    @Override
    public long kmalloc(int cpu, long size, int gfp) {
      throw notSampled("kmalloc");
    }

    @Override
    public void kfree(int cpu, long addr) {
      throw notSampled("kfree");
    }

    @Override
    public long ksize(long addr) {
      throw notSampled("ksize");
    }

    @Override
    public long shrinkAll() {
      throw notSampled("shrinkAll");
    }

    @Override
    public List<SlabInfo> slabinfo() {
      return rows;
    }

    @Override
    public long reclaimablePages() {
      return reclaimable;
    }

    @Override
    public long unreclaimablePages() {
      return unreclaimable;
    }
  }

  /** vmalloc's /proc numbers: the areas, VmallocUsed and VmallocTotal. */
  static final class Vmalloc implements VirtualAllocator {
    final List<VmArea> areas = new ArrayList<>();
    long used;
    long total;

    @Override
    public String name() {
      return "sample";
    }

    @Override
    public Statistics statistics() {
      return Statistics.builder().build();
    }

    @Override
    public void checkInvariants() {
      // the sample is what it is
    }

    @Override
    public long vmalloc(int cpu, long size, int gfp) {
      throw notSampled("vmalloc");
    }

    @Override
    public void vfree(int cpu, long addr) {
      throw notSampled("vfree");
    }

    @Override
    public long vmap(long[] pfns, int count) {
      throw notSampled("vmap");
    }

    @Override
    public void vunmap(long addr) {
      throw notSampled("vunmap");
    }

    @Override
    public List<VmArea> areas() {
      return areas;
    }

    @Override
    public long usedPages() {
      return used;
    }

    @Override
    public long totalBytes() {
      return total;
    }
  }

  /** The page tables' /proc numbers: PageTables and the DirectMap lines. */
  static final class Tables implements PageTable {
    long tables;
    long direct4k;
    long direct2m;
    long direct1g;

    @Override
    public long tablePages() {
      return tables;
    }

    @Override
    public long directMapPages(long pageSize) {
      if (pageSize == 4096) {
        return direct4k;
      }
      if (pageSize == 2L << 20) {
        return direct2m;
      }
      if (pageSize == 1L << 30) {
        return direct1g;
      }
      throw new IllegalArgumentException("no x86-64 page of " + pageSize + " bytes");
    }

    @Override
    public int levels() {
      throw notSampled("levels");
    }

    @Override
    public int virtualAddressBits() {
      throw notSampled("virtualAddressBits");
    }

    @Override
    public boolean isCanonical(long linear) {
      throw notSampled("isCanonical");
    }

    @Override
    public long pageOffset() {
      throw notSampled("pageOffset");
    }

    @Override
    public long taskSizeMax() {
      throw notSampled("taskSizeMax");
    }

    @Override
    public long supportedPteMask() {
      throw notSampled("supportedPteMask");
    }

    @Override
    public long kernelRoot() {
      throw notSampled("kernelRoot");
    }

    @Override
    public boolean isRoot(long root) {
      throw notSampled("isRoot");
    }

    @Override
    public long createAddressSpace() {
      throw notSampled("createAddressSpace");
    }

    @Override
    public void destroyAddressSpace(long root) {
      throw notSampled("destroyAddressSpace");
    }

    @Override
    public long readPte(long root, long linear) {
      throw notSampled("readPte");
    }

    @Override
    public long readEntry(long root, long linear, int level) {
      throw notSampled("readEntry");
    }

    @Override
    public boolean writePte(long root, long linear, long pte) {
      throw notSampled("writePte");
    }

    @Override
    public void walkRange(long root, long start, long end, PteVisitor visitor) {
      throw notSampled("walkRange");
    }

    @Override
    public long freeEmptyTables(long root, long start, long end) {
      throw notSampled("freeEmptyTables");
    }

    @Override
    public long virtToPhys(long root, long linear) {
      throw notSampled("virtToPhys");
    }

    @Override
    public long kernelTablePages() {
      throw notSampled("kernelTablePages");
    }

    @Override
    public long tablePages(long root) {
      throw notSampled("tablePages of one root");
    }

    @Override
    public Mmu mmu(int cpu) {
      throw notSampled("mmu");
    }

    @Override
    public void flushTlbPage(long linear) {
      throw notSampled("flushTlbPage");
    }

    @Override
    public void flushTlbMm(long root) {
      throw notSampled("flushTlbMm");
    }

    @Override
    public void checkInvariants() {
      // the sample is what it is
    }
  }
}
