/**
 * Page replacement: the {@link io.mmsim.api.reclaim.ReplacementPolicy} that reclaim consults to
 * choose victims (the kernel's two-list LRU, FIFO, exact LRU, clock, Belady's OPT, or the user's
 * own), and what a policy may know beyond the references it sees: the {@link
 * io.mmsim.api.reclaim.FutureReferences} of a workload known in advance, handed over in a {@link
 * io.mmsim.api.reclaim.PolicyContext} ({@link io.mmsim.api.reclaim.ReferenceString} is the
 * in-memory implementation).
 *
 * <p>{@link io.mmsim.api.reclaim.PolicySimulator} runs a policy on a reference string with N frames
 * and no kernel, driving it exactly as {@link io.mmsim.api.reclaim.ReplacementPolicy}'s contract
 * states (the textbook fault count, the "policy-only" path); the kernel drives a per-process policy
 * under {@code rss.limit} the same way, so the two count the same faults.
 *
 * <p>Keys are {@code long}s chosen by the caller; policies keep them in primitive arrays and
 * open-addressing tables, so that a replay of millions of references allocates nothing per
 * reference.
 */
package io.mmsim.api.reclaim;
