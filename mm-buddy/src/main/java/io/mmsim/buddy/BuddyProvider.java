package io.mmsim.buddy;

import java.util.LinkedHashMap;
import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.PageAllocatorProvider;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.spi.SpiVersion;

/**
 * The {@code buddy} page allocator: Linux's binary buddy allocator with DMA, DMA32 and Normal
 * zones, migrate types and pageblocks (fallbacks, the HIGHATOMIC reserve), min/low/high watermarks,
 * lowmem reserves and per-CPU order-0 page lists; on a machine with several NUMA nodes, one set of
 * zones per node and zonelists ordered by node distance.
 *
 * <p>Settings (prefix {@code buddy.}):
 *
 * <ul>
 *   <li>{@code min-free-kbytes}: {@code vm.min_free_kbytes}; empty (the default) computes it as the
 *       kernel does at boot, {@code int_sqrt(lowmem_kbytes * 16)} clamped to [128, 262144];
 *   <li>{@code watermark-scale-factor}: {@code vm.watermark_scale_factor} in 1..3000, default 10;
 *   <li>{@code check-invariants}: a debug setting, default {@code false}; when true every operation
 *       re-checks the whole allocator (slow).
 * </ul>
 */
@AutoService(PageAllocatorProvider.class)
public final class BuddyProvider implements PageAllocatorProvider {

  /** The provider name. */
  public static final String NAME = "buddy";

  static final String MIN_FREE_KBYTES = "min-free-kbytes";
  static final String WATERMARK_SCALE_FACTOR = "watermark-scale-factor";
  static final String CHECK_INVARIANTS = "check-invariants";

  /** Creates the provider; it does nothing until {@link #create}. */
  public BuddyProvider() {
    // a provider is a cheap factory
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "binary buddy allocator with zones, migrate types, watermarks and per-CPU page lists"
        + " (Linux)";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(MIN_FREE_KBYTES, "");
    d.put(WATERMARK_SCALE_FACTOR, "10");
    d.put(CHECK_INVARIANTS, "false");
    return d;
  }

  @Override
  public PageAllocator create(ProviderContext ctx) {
    Settings s = ctx.settings();
    long minFree = -1;
    if (!s.get(MIN_FREE_KBYTES).isBlank()) {
      minFree = s.getInt(MIN_FREE_KBYTES, 0, Integer.MAX_VALUE);
    }
    int scale = s.getInt(WATERMARK_SCALE_FACTOR, 1, 3000);
    boolean check = s.getBoolean(CHECK_INVARIANTS);
    try {
      if (ctx.layout().nodes() > 1) {
        return new NumaBuddyAllocator(
            ctx.layout(), minFree, scale, check, ctx.loggerName(), ctx.tracer());
      }
      return new BuddyAllocator(
          ctx.layout(), minFree, scale, check, ctx.loggerName(), ctx.tracer());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("memory.size", "buddy: " + e.getMessage(), e);
    }
  }
}
