/**
 * The page-allocator contract: {@link io.mmsim.testkit.page.PageAllocatorContract} (the tests every
 * {@link io.mmsim.api.page.PageAllocator} must pass, with one factory method to implement), the
 * memblock-style boot hand-off used to fill an allocator ({@link
 * io.mmsim.testkit.page.BootHandOff}) and a comparable snapshot of everything an allocator shows
 * ({@link io.mmsim.testkit.page.PageAllocatorState}), used to prove that a rejected call changed
 * nothing.
 */
package io.mmsim.testkit.page;
