/**
 * Small shared helpers: bit arithmetic ({@link io.mmsim.api.util.Bits}), the number and size syntax
 * used by configuration files and workloads ({@link io.mmsim.api.util.Sizes}), and the primitive
 * open-addressing map {@link io.mmsim.api.util.LongLongHashMap} (no boxing, a sentinel for missing
 * values) that modules use for their {@code long}-keyed side tables.
 */
package io.mmsim.api.util;
