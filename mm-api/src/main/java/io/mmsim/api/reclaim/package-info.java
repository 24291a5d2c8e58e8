/**
 * Page replacement: the {@link io.mmsim.api.reclaim.ReplacementPolicy} that reclaim consults to
 * choose victims (the kernel's two-list LRU, FIFO, exact LRU, clock, Belady's OPT, or the user's
 * own).
 */
package io.mmsim.api.reclaim;
