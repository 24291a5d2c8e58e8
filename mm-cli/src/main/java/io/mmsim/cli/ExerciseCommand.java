package io.mmsim.cli;

import java.util.concurrent.Callable;

import io.mmsim.report.exercise.Exercises;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mm exercise TOPIC [-s SEED] [-n N] [-c]}: a problem generated from the seed, and with
 * {@code -c} its solution as the simulator computes it.
 */
@Command(
    name = "exercise",
    mixinStandardHelpOptions = true,
    description = {
      "Prints an exercise generated from a seed; -c adds the solution the simulator computes.",
      "Topics: buddy, slab, walk, tlb, policy, cow, swap."
    })
final class ExerciseCommand implements Callable<Integer> {
  @CommandLine.Parameters(
      paramLabel = "TOPIC",
      description = "buddy, slab, walk, tlb, policy, cow or swap.")
  String topic;

  @CommandLine.Option(
      names = {"-s", "--seed"},
      paramLabel = "SEED",
      description = "The seed that generates the problem (default 0).")
  long seed;

  @CommandLine.Option(
      names = {"-n", "--steps"},
      paramLabel = "N",
      description = "Steps or questions (1 to 50; default: the topic's own).")
  int steps;

  @CommandLine.Option(
      names = {"-c", "--solve"},
      description = "Adds the solution.")
  boolean solve;

  @Override
  public Integer call() {
    if (!Exercises.topics().contains(topic)) {
      System.err.println("mm: exercise: unknown topic '" + topic + "'; topics:");
      for (String line : Exercises.descriptions()) {
        System.err.println("  " + line);
      }
      return Main.EXIT_USAGE;
    }
    if (steps < 0 || steps > 50 || (steps == 0 && stepsGiven())) {
      System.err.println("mm: exercise: -n " + steps + ": give 1 to 50 steps");
      return Main.EXIT_USAGE;
    }
    System.out.print(Exercises.render(topic, seed, steps, solve));
    System.out.flush();
    return 0;
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private boolean stepsGiven() {
    return spec.commandLine().getParseResult().hasMatchedOption("-n");
  }
}
