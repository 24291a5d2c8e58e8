package io.mmsim.swap.policy;

/** The reference strings of the textbooks whose miss counts the policy tests quote. */
final class TextbookStrings {
  private TextbookStrings() {}

  /** Belady, Nelson and Shedler's anomaly string (CACM 12(6), 1969). */
  static final long[] BELADY = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

  /** Silberschatz, Galvin and Gagne, Operating System Concepts, the page-replacement chapter. */
  static final long[] OSC = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
}
