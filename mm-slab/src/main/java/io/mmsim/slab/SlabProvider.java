package io.mmsim.slab;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.api.spi.ObjectAllocatorProvider;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provides the SLAB object allocator under the name {@code slab}: Bonwick's slab allocator with
 * per-CPU array caches, as Linux had it up to 6.7 (deprecated in 6.5, removed in 6.8).
 *
 * <p>Settings (prefix {@code slab.}):
 *
 * <ul>
 *   <li>{@code max-order}: {@code slab_max_order}, the slab order above which SLAB does not go
 *       unless no object would fit: {@code auto} (the default) is the kernel's rule, 1 on machines
 *       with more than 32 MiB of RAM and 0 otherwise; or a number in [0, 9], as the {@code
 *       slab_max_order=} boot parameter.
 * </ul>
 */
@AutoService(ObjectAllocatorProvider.class)
public final class SlabProvider implements ObjectAllocatorProvider {
  /** The setting that overrides {@code slab_max_order}. */
  static final String MAX_ORDER = "max-order";

  /** {@code SLAB_MAX_ORDER_HI}: the order used on machines above 32 MiB. */
  static final int SLAB_MAX_ORDER_HI = 1;

  /** {@code SLAB_MAX_ORDER_LO}: the order used on small machines. */
  static final int SLAB_MAX_ORDER_LO = 0;

  /** Pages above which {@code slab_max_order} becomes 1 ({@code (32 << 20) >> PAGE_SHIFT}). */
  static final long SMALL_MACHINE_PAGES = (32L << 20) >> 12;

  /** The largest value of the boot parameter ({@code MAX_ORDER - 1} before 6.4). */
  static final int MAX_ORDER_LIMIT = 9;

  /** A provider; does nothing until {@link #create}. */
  public SlabProvider() {
    // providers are cheap: all work happens in create
  }

  @Override
  public String name() {
    return "slab";
  }

  @Override
  public String description() {
    return "SLAB object allocator: Bonwick slabs with per-CPU array caches"
        + " (Linux 6.7 and earlier; deprecated 6.5, removed 6.8)";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    return Map.of(MAX_ORDER, "auto");
  }

  @Override
  public ObjectAllocator create(MemoryContext ctx) {
    return new SlabAllocator(ctx, slabMaxOrder(ctx));
  }

  /** {@code slab_max_order} from the settings and the machine size. */
  static int slabMaxOrder(MemoryContext ctx) {
    Settings s = ctx.settings();
    String v = s.asMap().getOrDefault(MAX_ORDER, "auto").trim();
    if (v.equalsIgnoreCase("auto")) {
      return ctx.pageAllocator().managedPages() > SMALL_MACHINE_PAGES
          ? SLAB_MAX_ORDER_HI
          : SLAB_MAX_ORDER_LO;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= 0 && n <= MAX_ORDER_LIMIT) {
        return (int) n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigurationException(
        s.fullKey(MAX_ORDER),
        s.fullKey(MAX_ORDER)
            + ": '"
            + v
            + "' is neither auto nor a number in [0, "
            + MAX_ORDER_LIMIT
            + "]");
  }
}
