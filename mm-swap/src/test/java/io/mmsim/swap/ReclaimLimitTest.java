package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.ReclaimMode;

/**
 * Reclaim in a process's scope (a resident limit, as memcg reclaim is): a page counts once it
 * leaves the process, even when another process still maps its frame (try_to_unmap of one mm).
 */
final class ReclaimLimitTest {

  @Test
  void limitShrink_pagesSharedWithAChild_leaveTheParentButKeepTheirFrames() {
    MiniKernel k = new MiniKernel(32, Policies.create("lru"), Map.of("memory", "1M"));
    k.policyFactory = () -> Policies.create("lru");
    MiniKernel.Proc parent = k.spawn(1, Policies.create("lru"), 0);
    for (long v = 0; v < 4; v++) {
      assertThat(k.writePattern(1, v, v + 1)).isTrue();
    }
    k.fork(1, 2);
    int free = k.freeFrames();

    // the parent's two oldest pages leave it; the child still maps both frames
    assertThat(k.swap.shrink(parent.policy, parent.rc, 2, ReclaimMode.LIMIT)).isEqualTo(2);
    assertThat(Pte.isSwap(k.pte(1, 0))).isTrue();
    assertThat(Pte.isSwap(k.pte(1, 1))).isTrue();
    assertThat(Pte.present(k.pte(1, 2))).as("only two were asked for").isTrue();
    assertThat(Pte.present(k.pte(2, 0))).isTrue();
    assertThat(k.freeFrames()).as("no frame is freed while the child maps it").isEqualTo(free);
    assertThat(k.swap.swapCachePages()).isEqualTo(2);
    assertThat(k.swap.statistics().get("pswpout")).as("a mapped page is not written").isZero();
    assertThat(parent.policy.resident()).isEqualTo(2);
    k.checkInvariants();

    assertThat(k.swap.shrink(parent.policy, parent.rc, 1, ReclaimMode.LIMIT)).isEqualTo(1);
    assertThat(Pte.isSwap(k.pte(1, 2))).isTrue();
    assertThat(Pte.present(k.pte(1, 3))).isTrue();
    k.checkInvariants();

    for (long v = 0; v < 4; v++) {
      assertThat(k.hasPattern(1, v, v + 1)).as("parent vpn %d", v).isTrue();
      assertThat(k.hasPattern(2, v, v + 1)).as("child vpn %d", v).isTrue();
    }
    k.checkInvariants();
  }
}
