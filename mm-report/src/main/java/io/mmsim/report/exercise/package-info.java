/**
 * {@code mm exercise}: problems in the manner of the homework simulators of "Operating Systems:
 * Three Easy Pieces" (Arpaci-Dusseau), one topic per part of the simulator.
 *
 * <p>A topic draws its choices from a seeded SplitMix64 stream, writes the problem, and solves it
 * by running the real parts: a booted kernel fed workload lines one at a time (slab, walk, tlb,
 * cow, swap), the buddy provider on a small zone (buddy), or a replacement policy provider driven
 * by {@link io.mmsim.api.reclaim.PolicySimulator} (policy). The solution reads the state the parts
 * leave (free lists, page-table entries, map counts, TLB counters) and gives reasons a student can
 * check by hand. The same topic, seed and step count give the same text.
 */
package io.mmsim.report.exercise;
