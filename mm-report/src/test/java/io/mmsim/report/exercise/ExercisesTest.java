package io.mmsim.report.exercise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class ExercisesTest {

  @ParameterizedTest
  @ValueSource(strings = {"buddy", "slab", "walk", "tlb", "policy", "cow", "swap"})
  void render_sameSeed_sameTextAndSolutionAddsLines(String topic) {
    String a = Exercises.render(topic, 7, 0, false);
    assertThat(Exercises.render(topic, 7, 0, false)).isEqualTo(a);
    assertThat(Exercises.render(topic, 8, 0, false)).isNotEqualTo(a);
    String c = Exercises.render(topic, 7, 0, true);
    assertThat(c).startsWith(a.substring(0, a.indexOf("\nRun again")));
    assertThat(c.length()).isGreaterThan(a.length() + 100);
  }

  @Test
  void render_unknownTopic_namesTheTopics() {
    assertThatThrownBy(() -> Exercises.render("nosuch", 1, 0, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nosuch")
        .hasMessageContaining("buddy, slab, walk, tlb, policy, cow, swap");
  }

  // ---------------------------------------------------------------- buddy

  private static final Pattern ALLOC = Pattern.compile("alloc_pages\\(order (\\d)\\) -> pfn");
  private static final Pattern FREE =
      Pattern.compile("free_pages\\((\\w)\\), pfn 0x\\w+ order (\\d)");
  private static final Pattern COUNTS = Pattern.compile("zone +DMA((?: +\\d+){7})");

  /** Free pages in each printed buddyinfo line = 64 minus the pages the steps hold. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 7, 42})
  void buddy_solution_freePagesMatchWhatTheStepsHold(long seed) {
    String[] lines = Exercises.render("buddy", seed, 20, true).split("\n");
    long held = 0;
    int checked = 0;
    for (int i = 0; i < lines.length; i++) {
      Matcher a = ALLOC.matcher(lines[i]);
      Matcher f = FREE.matcher(lines[i]);
      if (a.find()) {
        held += 1L << Integer.parseInt(a.group(1));
      } else if (f.find()) {
        held -= 1L << Integer.parseInt(f.group(2));
      } else {
        continue;
      }
      Matcher c = COUNTS.matcher(lines[i + 1]);
      assertThat(c.find()).as(lines[i + 1]).isTrue();
      String[] n = c.group(1).trim().split(" +");
      long free = 0;
      for (int o = 0; o < n.length; o++) {
        free += Long.parseLong(n[o]) << o;
      }
      assertThat(free).as("after: " + lines[i]).isEqualTo(64 - held);
      checked++;
    }
    assertThat(checked).isEqualTo(20 - countFailed(lines));
  }

  private static int countFailed(String[] lines) {
    int n = 0;
    for (String l : lines) {
      n += l.contains(") fails:") ? 1 : 0;
    }
    return n;
  }

  // ---------------------------------------------------------------- policy

  /** The printed fault count equals a textbook FIFO or LRU written here. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void policy_faultCount_matchesTextbookModel(long seed) {
    String text = Exercises.render("policy", seed, 20, true);
    Matcher m = Pattern.compile("with (\\w+) .* and (\\d) frames").matcher(text);
    assertThat(m.find()).isTrue();
    String policy = m.group(1);
    int frames = Integer.parseInt(m.group(2));
    Matcher r = Pattern.compile("Reference string: ([\\d ]+)").matcher(text);
    assertThat(r.find()).isTrue();
    List<Integer> refs = new ArrayList<>();
    for (String s : r.group(1).trim().split(" ")) {
      refs.add(Integer.parseInt(s));
    }
    Matcher total = Pattern.compile("(\\d+) faults, (\\d+) hits").matcher(text);
    assertThat(total.find()).isTrue();
    int faults = Integer.parseInt(total.group(1));
    switch (policy) {
      case "FIFO" -> assertThat(faults).isEqualTo(fifo(refs, frames));
      case "LRU" -> assertThat(faults).isEqualTo(lru(refs, frames));
      default -> assertThat(faults).isEqualTo(clock(refs, frames));
    }
  }

  private static int fifo(List<Integer> refs, int frames) {
    Deque<Integer> q = new ArrayDeque<>();
    int faults = 0;
    for (int p : refs) {
      if (!q.contains(p)) {
        faults++;
        if (q.size() == frames) {
          q.removeFirst();
        }
        q.addLast(p);
      }
    }
    return faults;
  }

  private static int lru(List<Integer> refs, int frames) {
    LinkedHashSet<Integer> order = new LinkedHashSet<>();
    int faults = 0;
    for (int p : refs) {
      if (!order.remove(p)) {
        faults++;
        if (order.size() == frames) {
          order.remove(order.iterator().next());
        }
      }
      order.add(p);
    }
    return faults;
  }

  /** Second chance over a circular list of frames in load order; a reference sets the bit. */
  private static int clock(List<Integer> refs, int frames) {
    int[] page = new int[frames];
    boolean[] bit = new boolean[frames];
    Map<Integer, Integer> where = new HashMap<>();
    int used = 0;
    int hand = 0;
    int faults = 0;
    for (int p : refs) {
      Integer at = where.get(p);
      if (at != null) {
        bit[at] = true;
        continue;
      }
      faults++;
      if (used < frames) {
        page[used] = p;
        bit[used] = true;
        where.put(p, used++);
        continue;
      }
      while (bit[hand]) {
        bit[hand] = false;
        hand = (hand + 1) % frames;
      }
      where.remove(page[hand]);
      page[hand] = p;
      bit[hand] = true;
      where.put(p, hand);
      hand = (hand + 1) % frames;
    }
    return faults;
  }
}
