/** Counters the kernel facade keeps for /proc/vmstat and /proc/meminfo. */
package io.mmsim.kernel.stat;
