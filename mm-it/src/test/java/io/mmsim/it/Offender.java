package io.mmsim.it;

/**
 * A public class that is not a provider and prints to System.out: what {@link ModuleRulesTest}'s
 * rules must refuse, so that a rule that can never fail is caught.
 */
public final class Offender {
  private Offender() {}

  /** Prints, which library code never does. */
  public static void shout() {
    System.out.println("offender");
  }
}
