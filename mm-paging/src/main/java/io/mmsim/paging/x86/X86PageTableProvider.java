package io.mmsim.paging.x86;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.paging.PageTable;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.api.spi.PageTableProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * The {@code x86_64} page tables: four-level (or, with {@code x86_64.levels=5}, five-level) x86-64
 * paging with the entries stored as real bytes in frames from the page allocator, the direct map of
 * all memory in huge pages, and one MMU per CPU with a set-associative TLB, control registers and
 * Linux's flat segmentation.
 *
 * <p>Settings (prefix {@code x86_64.}): {@code levels} (4 or 5), {@code tlb-entries} and {@code
 * tlb-ways} (powers of two), {@code nx} (EFER.NXE), {@code wp} (CR0.WP), {@code phys-bits}
 * (MAXPHYADDR, 32..52), {@code gbpages} (1 GiB pages in the direct map), {@code user-ds-base} and
 * {@code user-ds-limit} (the {@code __USER_DS} descriptor, 20-bit limit in 4 KiB units).
 */
@AutoService(PageTableProvider.class)
public final class X86PageTableProvider implements PageTableProvider {

  /** Creates the provider; it does nothing until {@link #create}. */
  public X86PageTableProvider() {}

  @Override
  public String name() {
    return "x86_64";
  }

  @Override
  public String description() {
    return "x86-64 4/5-level page tables with direct map, per-CPU TLB, MMU walk and segmentation";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    return X86Config.defaults();
  }

  @Override
  public PageTable create(MemoryContext ctx) {
    X86Config cfg = X86Config.from(ctx.settings(), ctx.memory().size());
    return X86Init64.boot(
        ctx.memory(), ctx.pageAllocator(), cfg, ctx.layout().cpus(), ctx.tracer());
  }
}
