/**
 * Small shared helpers: bit arithmetic ({@link io.mmsim.api.util.Bits}) and the number and size
 * syntax used by configuration files and workloads ({@link io.mmsim.api.util.Sizes}).
 */
package io.mmsim.api.util;
