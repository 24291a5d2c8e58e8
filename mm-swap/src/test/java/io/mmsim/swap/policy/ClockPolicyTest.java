package io.mmsim.swap.policy;

import java.util.List;

import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/** clock through the replacement-policy contract, with the textbooks' miss counts. */
final class ClockPolicyTest extends ReplacementPolicyContract {

  @Override
  protected ReplacementPolicyProvider provider() {
    return new ClockPolicyProvider();
  }

  @Override
  protected List<Textbook> textbook() {
    return List.of(
        new Textbook("Belady anomaly string, by hand", TextbookStrings.BELADY, 3, 9),
        new Textbook("Belady anomaly string, by hand", TextbookStrings.BELADY, 4, 10),
        new Textbook("Operating System Concepts, by hand", TextbookStrings.OSC, 3, 14));
  }
}
