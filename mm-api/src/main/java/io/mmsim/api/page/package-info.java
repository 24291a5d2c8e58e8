/**
 * Page allocators: the {@link io.mmsim.api.page.PageAllocator} contract (allocation of 2^order
 * contiguous frames by zone and GFP flags, per-CPU lists, watermarks, the boot hand-off) and the
 * zone snapshot the /proc views render.
 */
package io.mmsim.api.page;
