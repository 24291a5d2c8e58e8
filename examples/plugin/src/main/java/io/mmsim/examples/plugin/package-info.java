/**
 * An example plug-in for mmsim: {@link io.mmsim.examples.plugin.FirstFitProvider firstfit}, an
 * address-ordered first-fit page allocator, and {@link io.mmsim.examples.plugin.LifoPolicyProvider
 * lifo}, a last-in-first-out replacement policy.
 *
 * <p>The providers are the only public classes; the allocator and the policy are package-private
 * and reached through the SPI, the way the kernel reaches every part.
 */
package io.mmsim.examples.plugin;
