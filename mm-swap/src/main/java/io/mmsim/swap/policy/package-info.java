/**
 * The replacement policies: {@code linux} (the kernel's two lists), {@code fifo}, {@code lru},
 * {@code clock} and {@code opt}, each behind its own {@link
 * io.mmsim.api.spi.ReplacementPolicyProvider}.
 *
 * <p>The list policies extend {@code ListPolicy}, which holds what they share (the resident check
 * of insert, remove, eviction, the pgscan counter, the invariant check), so each class holds only
 * its own algorithm. Their pages live in a {@code NodeTable}: one node per resident page in
 * parallel primitive arrays with a {@code long}-keyed open-addressing index (mm-api's {@link
 * io.mmsim.api.util.LongLongHashMap}) and doubly linked lists threaded through the nodes, so every
 * operation is O(1) (OPT: O(log n) through an indexed heap) and a replay allocates only when tables
 * double. Each policy keeps its own counters ({@code scanned()}; the two-list policy also pgrefill,
 * pgactivate and pgdeactivate).
 */
package io.mmsim.swap.policy;
