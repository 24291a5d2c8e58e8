/**
 * Code the built-in modules share, exported to them alone (see the module's description): bit
 * arithmetic ({@link io.mmsim.api.util.Bits}), the primitive open-addressing map {@link
 * io.mmsim.api.util.LongLongHashMap} (no boxing, a sentinel for missing values) that modules use
 * for their {@code long}-keyed side tables, and {@link io.mmsim.api.util.IntList}, the kernel's
 * {@code list_head} over {@code int} arrays that the buddy free lists, the SLAB and SLUB slab lists
 * and the replacement policies' page lists thread through their per-node arrays.
 *
 * <p>Nothing here is API: outside modules cannot read this package, and its classes change with the
 * modules that use them. Every method is allocation-free after construction, so hot paths may call
 * it.
 */
package io.mmsim.api.util;
