package io.mmsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;

/**
 * Runs in the class-path Surefire execution only: there the test resources' META-INF/services
 * registers {@link TrivialPageAllocatorProvider}, so plain discovery finds a user's own page
 * allocator next to the buddy allocator, and a kernel boots with it by name.
 */
final class ClassPathDiscoveryClassPathTest {

  @Test
  void discovery_onTheClassPath_findsTheUsersOwnPageAllocator() {
    assertThat(getClass().getModule().isNamed()).as("runs on the class path").isFalse();

    Kernel k =
        Kernel.builder()
            .set("object-allocator", "none")
            .set("page-table", "none")
            .set("virtual-allocator", "none")
            .set("page-allocator", "trivial")
            .set("memory.size", "64M")
            .boot();

    assertThat(k.parts()).containsEntry("page-allocator", "trivial");
    assertThat(k.pageAllocator().allocPages(0, Gfp.KERNEL, 0)).isGreaterThanOrEqualTo(0);
    assertThat(Kernel.discoverProviders().get("PageAllocatorProvider"))
        .extracting(p -> p.name())
        .contains("buddy", "trivial");
  }
}
