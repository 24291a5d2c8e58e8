package io.mmsim.slub;

import java.util.Map;

import com.google.auto.service.AutoService;

import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.api.spi.ObjectAllocatorProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * Provides the SLUB object allocator ({@code object-allocator=slub}): per-CPU slabs with lockless
 * freelists threaded through the objects, per-CPU and per-node partial lists, cache merging and the
 * {@code slub_debug} checks, modelled on Linux 6.17 and before.
 *
 * <p>Settings (under {@code slub.}): {@code debug} (the kernel's {@code slab_debug=} syntax, e.g.
 * {@code FZPU} or {@code P,kmalloc-*;U,dentry}; empty = off), {@code nomerge} ({@code
 * slab_nomerge}), {@code min-order}, {@code max-order} and {@code min-objects} ({@code
 * slab_min_order}, {@code slab_max_order}, {@code slab_min_objects}; 0 objects = derived from the
 * CPU count). Absent keys take their defaults.
 */
@AutoService(ObjectAllocatorProvider.class)
public final class SlubProvider implements ObjectAllocatorProvider {

  /** A provider; all work happens in {@link #create}. */
  public SlubProvider() {
    // nothing: providers are cheap
  }

  @Override
  public String name() {
    return SlubAllocator.NAME;
  }

  @Override
  public String description() {
    return "SLUB object allocator: per-CPU slabs and partial lists, merging, slub_debug"
        + " (Linux 6.17 and before)";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    return SlubAllocator.defaults();
  }

  @Override
  public ObjectAllocator create(MemoryContext ctx) {
    return new SlubAllocator(ctx);
  }
}
