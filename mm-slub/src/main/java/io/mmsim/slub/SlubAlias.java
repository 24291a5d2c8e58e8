package io.mmsim.slub;

import java.util.List;

import io.mmsim.api.object.BadCacheException;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.SlabInfo;

/**
 * A cache name that SLUB merged into an existing compatible cache ({@code __kmem_cache_alias}):
 * every call goes to the real cache, which holds the slabs; only the name and the size asked for
 * are the alias's own. /proc/slabinfo shows the real cache only.
 */
final class SlubAlias implements KmemCache {
  private final String name;
  private final int requestedSize;
  final SlubCache target;
  boolean destroyed;

  SlubAlias(String name, int requestedSize, SlubCache target) {
    this.name = name;
    this.requestedSize = requestedSize;
    this.target = target;
  }

  @Override
  public String name() {
    return name;
  }

  /** The size this alias was created with. */
  @Override
  public int objectSize() {
    return requestedSize;
  }

  @Override
  public int size() {
    return target.size();
  }

  @Override
  public int align() {
    return target.align();
  }

  @Override
  public int flags() {
    return target.flags();
  }

  @Override
  public long alloc(int cpu, int gfp) {
    checkUsable();
    return target.alloc(cpu, gfp);
  }

  @Override
  public void free(int cpu, long addr) {
    checkUsable();
    target.free(cpu, addr);
  }

  @Override
  public long shrink() {
    checkUsable();
    return target.shrink();
  }

  @Override
  public void destroy() {
    target.allocator.destroyAlias(this);
  }

  /** The row of the real cache. */
  @Override
  public SlabInfo info() {
    return target.info();
  }

  @Override
  public List<String> validate() {
    checkUsable();
    return target.validate();
  }

  private void checkUsable() {
    if (destroyed) {
      throw new BadCacheException(name, "kmem cache " + name + " has been destroyed");
    }
  }

  @Override
  public String toString() {
    return "SlubAlias[" + name + " -> " + target.name + "]";
  }
}
