package io.mmsim.api.object;

/**
 * A kmem cache constructor ({@code ctor}): called once per object when a new slab is set up, so
 * that a free object already holds its constructed state.
 */
@FunctionalInterface
public interface ObjectConstructor {

  /** Initialises the object at kernel virtual address {@code addr}. */
  void construct(long addr);
}
