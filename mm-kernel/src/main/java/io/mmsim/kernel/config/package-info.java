/**
 * Configuration: gathering keys from the embedded defaults, a properties file and overrides ({@link
 * io.mmsim.kernel.config.Configuration}), and deciding which keys exist ({@link
 * io.mmsim.kernel.config.ConfigValidator}).
 */
package io.mmsim.kernel.config;
