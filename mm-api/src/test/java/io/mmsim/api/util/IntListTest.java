package io.mmsim.api.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** list_head over int arrays, against a deque as the reference model. */
final class IntListTest {
  private static final int NODES = 50;
  private static final int HEAD_A = NODES;
  private static final int HEAD_B = NODES + 1;

  private final int[] next = new int[NODES + 2];
  private final int[] prev = new int[NODES + 2];

  IntListTest() {
    IntList.init(next, prev, HEAD_A);
    IntList.init(next, prev, HEAD_B);
  }

  private List<Integer> forward(int head) {
    List<Integer> out = new ArrayList<>();
    for (int x = next[head]; x != head; x = next[x]) {
      out.add(x);
    }
    return out;
  }

  private List<Integer> backward(int head) {
    List<Integer> out = new ArrayList<>();
    for (int x = prev[head]; x != head; x = prev[x]) {
      out.add(0, x);
    }
    return out;
  }

  @Test
  void addHeadAndTail_orderSeenBothWays() {
    IntList.addTail(next, prev, HEAD_A, 1);
    IntList.addTail(next, prev, HEAD_A, 2);
    IntList.addHead(next, prev, HEAD_A, 3);

    assertThat(forward(HEAD_A)).containsExactly(3, 1, 2);
    assertThat(backward(HEAD_A)).containsExactly(3, 1, 2);
    assertThat(IntList.checkedLength(next, prev, HEAD_A, NODES)).isEqualTo(3);
    assertThat(IntList.isEmpty(next, HEAD_B)).isTrue();
  }

  @Test
  void delAndMoveTail_betweenTwoLists() {
    for (int x = 0; x < 4; x++) {
      IntList.addTail(next, prev, HEAD_A, x);
    }
    IntList.del(next, prev, 0);
    IntList.moveTail(next, prev, HEAD_B, 2);
    IntList.del(next, prev, 3);

    assertThat(forward(HEAD_A)).containsExactly(1);
    assertThat(forward(HEAD_B)).containsExactly(2);
    IntList.del(next, prev, 1);
    assertThat(IntList.isEmpty(next, HEAD_A)).isTrue();
    assertThat(IntList.checkedLength(next, prev, HEAD_A, NODES)).isZero();
  }

  @Test
  void randomOperations_matchADeque() {
    SplittableRandom r = new SplittableRandom(7);
    Deque<Integer> model = new ArrayDeque<>();
    boolean[] on = new boolean[NODES];
    for (int step = 0; step < 5000; step++) {
      int x = r.nextInt(NODES);
      if (!on[x]) {
        if (r.nextBoolean()) {
          IntList.addHead(next, prev, HEAD_A, x);
          model.addFirst(x);
        } else {
          IntList.addTail(next, prev, HEAD_A, x);
          model.addLast(x);
        }
        on[x] = true;
      } else if (r.nextBoolean()) {
        IntList.del(next, prev, x);
        model.remove(x);
        on[x] = false;
      } else {
        IntList.moveTail(next, prev, HEAD_A, x);
        model.remove(x);
        model.addLast(x);
      }
      assertThat(IntList.checkedLength(next, prev, HEAD_A, NODES)).isEqualTo(model.size());
    }
    assertThat(forward(HEAD_A)).containsExactlyElementsOf(model);
  }

  @Test
  void checkedLength_brokenBackLink_namesTheNode() {
    IntList.addTail(next, prev, HEAD_A, 5);
    IntList.addTail(next, prev, HEAD_A, 6);
    prev[6] = 9;

    assertThatThrownBy(() -> IntList.checkedLength(next, prev, HEAD_A, NODES))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("broken at node 6");
  }

  @Test
  void checkedLength_cycleThatMissesTheHead_isCaught() {
    IntList.addTail(next, prev, HEAD_A, 1);
    IntList.addTail(next, prev, HEAD_A, 2);
    next[2] = 1;
    prev[1] = 2;

    assertThatThrownBy(() -> IntList.checkedLength(next, prev, HEAD_A, NODES))
        .isInstanceOf(AssertionError.class);
  }
}
