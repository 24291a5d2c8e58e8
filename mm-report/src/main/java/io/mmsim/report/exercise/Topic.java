package io.mmsim.report.exercise;

/** One kind of exercise: generates a problem from a seed and solves it on the simulator. */
interface Topic {
  String name();

  /** One line for the topic list. */
  String summary();

  /** Steps or questions when {@code -n} is not given. */
  int defaultCount();

  /** Writes the problem and its solution for {@code n} steps, drawing choices from {@code rng}. */
  void write(Text t, Rng rng, int n);
}
