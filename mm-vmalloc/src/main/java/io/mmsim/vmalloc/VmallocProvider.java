package io.mmsim.vmalloc;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.spi.SpiVersion;
import io.mmsim.api.spi.VirtualAllocatorContext;
import io.mmsim.api.spi.VirtualAllocatorProvider;
import io.mmsim.api.util.Bits;
import io.mmsim.api.vmalloc.VirtualAllocator;

/**
 * The {@code vmalloc} provider: Linux's vmalloc over any page allocator and page table.
 *
 * <p>Areas are placed lowest-address first in the x86-64 vmalloc range of the configured paging
 * depth ({@code 0xffffc90000000000}-{@code 0xffffe8ffffffffff} with 4 levels, {@code
 * 0xffa0000000000000}-{@code 0xffd1ffffffffffff} with 5), each followed by a guard page.
 *
 * <p>Settings (under {@code vmalloc.}):
 *
 * <ul>
 *   <li>{@code lazy} (default {@code true}): vfree parks the address range as an {@code unpurged
 *       vm_area} and purges all parked ranges with one TLB flush pass once more than {@code
 *       fls(cpus) * 8192} pages wait, as Linux does; {@code false} flushes and frees the range at
 *       every vfree.
 * </ul>
 */
@AutoService(VirtualAllocatorProvider.class)
public final class VmallocProvider implements VirtualAllocatorProvider {
  /** The provider's name. */
  public static final String NAME = "vmalloc";

  /** Setting: lazy freeing of address ranges. */
  static final String LAZY = "lazy";

  /** Does nothing: all work happens in {@link #create}. */
  public VmallocProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Linux vmalloc: scattered order-0 pages, lowest-address first fit with guard pages,"
        + " lazy purge";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    return Map.of(LAZY, "true");
  }

  @Override
  public VirtualAllocator create(VirtualAllocatorContext ctx) {
    boolean lazy = ctx.settings().getBoolean(LAZY);
    PageTable pageTable = ctx.pageTable();
    if (pageTable == null) {
      throw new ConfigurationException(
          "page-table", "vmalloc maps its areas through page tables, and none is configured");
    }
    boolean fiveLevel = pageTable.levels() == 5;
    long start = fiveLevel ? KernelLayout.VMALLOC_START_L5 : KernelLayout.VMALLOC_START;
    long end = fiveLevel ? KernelLayout.VMALLOC_END_L5 : KernelLayout.VMALLOC_END;
    // VMALLOC_END is inclusive: an area may end (exclusively) at most there, so the last
    // usable page ends at VMALLOC_END rounded down to a page.
    long limit = Bits.alignDown(end, Page.PAGE_SIZE);
    return new Vmalloc(
        ctx, start, limit, end - start, lazy, Vmalloc.lazyMaxPages(ctx.layout().cpus()));
  }
}
