package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The two-byte counts and their continuation: counts up to 0xFFFE stay in the array, 0xFFFF and
 * more go to the continuation and come back below it, exactly, with no wrap and no cap.
 */
final class PageCountsTest {
  private static final int LIMIT = 0xFFFF;

  @Test
  void inc_acrossTheLimitAndBack_countsExactly() {
    PageCounts c = new PageCounts(8);
    for (int i = 1; i < LIMIT; i++) {
      assertThat(c.inc(3)).isEqualTo(i);
    }
    assertThat(c.get(3)).isEqualTo(0xFFFE);
    assertThat(c.continuedFrames()).as("0xFFFE still fits in two bytes").isZero();

    assertThat(c.inc(3)).isEqualTo(0xFFFF);
    assertThat(c.continuedFrames()).isEqualTo(1);
    assertThat(c.inc(3)).isEqualTo(0x10000);
    assertThat(c.inc(3)).isEqualTo(0x10001);
    for (int i = 0; i < 70_000 - 0x10001; i++) {
      c.inc(3);
    }
    assertThat(c.get(3)).as("a page in 70,000 processes").isEqualTo(70_000);
    c.checkInvariants();
    assertThat(c.get(2)).as("a neighbour is not touched").isZero();
    assertThat(c.get(4)).isZero();

    for (int i = 70_000; i > 0x10001; i--) {
      assertThat(c.dec(3)).isEqualTo(i - 1);
    }
    assertThat(c.dec(3)).isEqualTo(0x10000);
    assertThat(c.dec(3)).isEqualTo(0xFFFF);
    assertThat(c.continuedFrames()).isEqualTo(1);
    assertThat(c.dec(3)).isEqualTo(0xFFFE);
    assertThat(c.continuedFrames()).as("back in two bytes").isZero();
    c.checkInvariants();
    for (int i = 0xFFFE; i > 0; i--) {
      assertThat(c.held(3)).isTrue();
      assertThat(c.dec(3)).isEqualTo(i - 1);
    }
    assertThat(c.held(3)).isFalse();
    assertThat(c.get(3)).isZero();
  }

  @Test
  void dec_ofAFrameWithoutReferences_throwsAndLeavesZero() {
    PageCounts c = new PageCounts(4);
    assertThatThrownBy(() -> c.dec(1))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("pfn 0x1");
    assertThat(c.get(1)).isZero();
  }

  @Test
  void move_ofAContinuedCount_takesTheContinuationAlong() {
    PageCounts c = new PageCounts(4);
    for (int i = 0; i < LIMIT + 5; i++) {
      c.inc(0);
    }
    c.move(0, 2);
    assertThat(c.get(0)).isZero();
    assertThat(c.held(0)).isFalse();
    assertThat(c.get(2)).isEqualTo(LIMIT + 5);
    assertThat(c.continuedFrames()).isEqualTo(1);
    c.checkInvariants();
    for (int i = 0; i < 6; i++) {
      c.dec(2);
    }
    assertThat(c.get(2)).isEqualTo(LIMIT - 1);
    assertThat(c.continuedFrames()).isZero();
  }

  @Test
  void setOne_onAContinuedFrame_dropsTheContinuation() {
    PageCounts c = new PageCounts(2);
    for (int i = 0; i < LIMIT; i++) {
      c.inc(1);
    }
    c.setOne(1);
    assertThat(c.get(1)).isEqualTo(1);
    assertThat(c.continuedFrames()).isZero();
    c.checkInvariants();
  }

  @Test
  void twoContinuedFrames_keepTheirOwnCounts() {
    PageCounts c = new PageCounts(3);
    for (int i = 0; i < LIMIT + 10; i++) {
      c.inc(0);
      c.inc(2);
    }
    c.inc(2);
    assertThat(c.get(0)).isEqualTo(LIMIT + 10);
    assertThat(c.get(2)).isEqualTo(LIMIT + 11);
    assertThat(c.continuedFrames()).isEqualTo(2);
    c.checkInvariants();
  }
}
