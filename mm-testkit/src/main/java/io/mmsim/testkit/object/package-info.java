/**
 * Test support for object allocators (SLAB, SLUB, SLOB and any other).
 *
 * <ul>
 *   <li>{@link io.mmsim.testkit.object.ObjectAllocatorContract}: the contract suite; subclass it
 *       with one factory method. Its seeded random test is {@code ObjectAllocatorRandomScenario},
 *       its model of live objects {@code LiveObjects}.
 *   <li>{@link io.mmsim.testkit.object.SimplePageAllocator}: a deliberately trivial first-fit page
 *       allocator, so that an object allocator is tested over something that is not the buddy
 *       allocator (the "any mix" rule of the design).
 *   <li>{@link io.mmsim.testkit.object.TestMemoryContext}: a hand-built {@link
 *       io.mmsim.api.spi.MemoryContext} with a caller string the test can change.
 * </ul>
 */
package io.mmsim.testkit.object;
