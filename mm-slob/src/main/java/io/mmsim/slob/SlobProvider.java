package io.mmsim.slob;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.api.spi.ObjectAllocatorProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provides the SLOB object allocator ({@code object-allocator=slob}): the "simple list of blocks"
 * allocator of Linux 6.3 and before, deprecated in 6.2 and removed in 6.4.
 *
 * <p>SLOB packs objects of every size and every cache into shared pages with a first-fit heap, so
 * it wastes little memory but searches linearly. It has no per-CPU caches, no slabs per cache and
 * no {@code /proc/slabinfo}; every page it holds counts as unreclaimable slab memory.
 *
 * <p>Settings ({@code slob.*}):
 *
 * <ul>
 *   <li>{@code slob.check-invariants} (default {@code false}): re-check every internal structure
 *       after each allocation and free. Slow; for debugging.
 * </ul>
 */
@AutoService(ObjectAllocatorProvider.class)
public final class SlobProvider implements ObjectAllocatorProvider {
  /** The provider name. */
  static final String NAME = "slob";

  /** The key of the debugging setting. */
  static final String CHECK_INVARIANTS = "check-invariants";

  /** Does nothing: all work happens in {@link #create}. */
  public SlobProvider() {
    // a provider is a cheap factory
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "SLOB object allocator: first-fit heap on shared pages (Linux <= 6.3, removed in 6.4)";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    return Map.of(CHECK_INVARIANTS, "false");
  }

  @Override
  public ObjectAllocator create(MemoryContext ctx) {
    boolean check =
        ctx.settings().asMap().containsKey(CHECK_INVARIANTS)
            && ctx.settings().getBoolean(CHECK_INVARIANTS);
    return new SlobAllocator(
        ctx.pageAllocator(), ctx.memory(), ctx.layout().cpus(), check, ctx.tracer(), ctx::caller);
  }
}
