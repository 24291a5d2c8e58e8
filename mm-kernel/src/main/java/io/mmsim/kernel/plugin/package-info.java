/**
 * Plug-ins: providers mmsim was not started with, loaded from jars at run time.
 *
 * <p>A {@link io.mmsim.kernel.plugin.PluginPath} opens jars and folders of jars once: modular jars
 * become a module layer over mmsim's own, plain jars share a class loader. {@code
 * Kernel.builder().plugins(path)} hands it to discovery, which then finds the plug-ins' providers
 * next to the built-in ones, and {@link io.mmsim.kernel.plugin.ProviderOrigin} tells where each
 * provider came from (a built-in module, or a plug-in jar and its version).
 *
 * <p>A plug-in is held to the rules of every provider: a stable unique name per SPI (a duplicate of
 * a built-in name fails boot, naming both jars), and it must load: a plug-in provider that fails is
 * an error, not a warning.
 */
package io.mmsim.kernel.plugin;
