package io.mmsim.report.exercise;

import java.util.ArrayList;
import java.util.List;

/**
 * Problems with solutions in the manner of the homework simulators of Arpaci-Dusseau's "Operating
 * Systems: Three Easy Pieces": a seed generates the problem, the same seed always gives the same
 * text, and the solution is what the simulator's own parts do on it, with the reasons.
 *
 * <pre>{@code
 * String text = Exercises.render("buddy", 7, 0, true); // 0 steps: the topic's default
 * }</pre>
 */
public final class Exercises {
  private static final List<Topic> TOPICS =
      List.of(
          new BuddyTopic(),
          new SlabTopic(),
          new WalkTopic(),
          new TlbTopic(),
          new PolicyTopic(),
          new CowTopic(),
          new SwapTopic());

  private Exercises() {}

  /** The topic names, in the order they are listed. */
  public static List<String> topics() {
    List<String> names = new ArrayList<>();
    for (Topic t : TOPICS) {
      names.add(t.name());
    }
    return names;
  }

  /** One line per topic: name and what it asks. */
  public static List<String> descriptions() {
    List<String> lines = new ArrayList<>();
    for (Topic t : TOPICS) {
      lines.add(String.format("%-7s %s", t.name(), t.summary()));
    }
    return lines;
  }

  /**
   * The exercise {@code topic} for {@code seed}.
   *
   * @param steps steps or questions, 0 for the topic's default, at most 50
   * @param solution whether to add the solution
   * @throws IllegalArgumentException for an unknown topic or a step count out of range
   */
  public static String render(String topic, long seed, int steps, boolean solution) {
    Topic t = null;
    for (Topic x : TOPICS) {
      if (x.name().equals(topic)) {
        t = x;
      }
    }
    if (t == null) {
      throw new IllegalArgumentException(
          "unknown topic '" + topic + "'; topics: " + String.join(", ", topics()));
    }
    if (steps < 0 || steps > 50) {
      throw new IllegalArgumentException("-n " + steps + ": give 1 to 50 steps");
    }
    Text text = new Text();
    text.q("mm exercise %s -s %d%s", t.name(), seed, steps == 0 ? "" : " -n " + steps);
    text.q("");
    t.write(text, new Rng(seed), steps == 0 ? t.defaultCount() : steps);
    return text.render(solution);
  }
}
