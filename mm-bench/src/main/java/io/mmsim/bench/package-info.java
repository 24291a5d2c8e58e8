/**
 * JMH benchmarks of mmsim's hot paths (buddy order-0 pairs, kmalloc/kfree, MMU translation, boot)
 * beside a peer where one exists (Netty's pooled allocator), and the replay harness for trace
 * replay and swap throughput.
 *
 * <h2>Design</h2>
 *
 * Each benchmark builds its kernel once per trial from the public facade ({@link
 * io.mmsim.kernel.Kernel}), with only the parts it measures, and keeps allocation, setup and checks
 * outside the measured methods. Peers run at their best configuration in the same JMH run on the
 * same sizes. BENCHMARKS.md at the repository root gives the commands and the figures.
 */
package io.mmsim.bench;
