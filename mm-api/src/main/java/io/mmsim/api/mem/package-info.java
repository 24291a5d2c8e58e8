/**
 * The simulated machine: page geometry ({@link io.mmsim.api.mem.Page}), zones, GFP flags,
 * watermarks, the physical layout, the x86-64 kernel virtual address map and the bytes of RAM
 * ({@link io.mmsim.api.mem.PhysicalMemory}).
 *
 * <p>Addresses, PFNs and sizes are {@code long}s throughout; nothing here allocates an object per
 * frame.
 */
package io.mmsim.api.mem;
