/**
 * The service-provider interfaces: one thin factory per SPI ({@link
 * io.mmsim.api.spi.PageAllocatorProvider}, {@link io.mmsim.api.spi.ObjectAllocatorProvider}, {@link
 * io.mmsim.api.spi.VirtualAllocatorProvider}, {@link io.mmsim.api.spi.PageTableProvider}, {@link
 * io.mmsim.api.spi.FaultHandlerProvider}, {@link io.mmsim.api.spi.ReplacementPolicyProvider}), the
 * contexts they are created from and the settings slice each receives.
 *
 * <p>Providers are registered twice: with {@code @AutoService} (class path) and with {@code
 * provides ... with} in their module descriptor (module path). The kernel facade discovers them by
 * name; an unknown name fails at boot with the list of names found.
 */
package io.mmsim.api.spi;
