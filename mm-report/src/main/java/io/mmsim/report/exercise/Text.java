package io.mmsim.report.exercise;

/** The problem and its solution, written side by side as a topic runs. */
final class Text {
  private final StringBuilder problem = new StringBuilder();
  private final StringBuilder solution = new StringBuilder();

  /** A line of the problem. */
  void q(String format, Object... args) {
    problem.append(args.length == 0 ? format : String.format(java.util.Locale.ROOT, format, args));
    problem.append('\n');
  }

  /** A line of the solution. */
  void a(String format, Object... args) {
    solution.append(args.length == 0 ? format : String.format(java.util.Locale.ROOT, format, args));
    solution.append('\n');
  }

  String render(boolean withSolution) {
    if (!withSolution) {
      return problem + "\nRun again with -c to see the solution.\n";
    }
    return problem + "\nSolution (computed by the simulator):\n\n" + solution;
  }
}
