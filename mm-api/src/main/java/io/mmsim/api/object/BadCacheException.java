package io.mmsim.api.object;

import io.mmsim.api.MmException;

/**
 * A call on a kmem cache that the allocator refuses, naming the cache: destroying one of the
 * kmalloc caches (they are the allocator's own, and every {@code kmalloc} depends on them), or
 * using a cache after {@code kmem_cache_destroy}. The allocator is unchanged.
 */
public class BadCacheException extends MmException {
  private static final long serialVersionUID = 1L;

  /** The name of the cache the call was made on. */
  private final String cache;

  /** An exception for the cache named {@code cache}, with a message that names it too. */
  public BadCacheException(String cache, String message) {
    super(message);
    this.cache = cache;
  }

  /** The name of the cache the call was made on. */
  public String cache() {
    return cache;
  }
}
