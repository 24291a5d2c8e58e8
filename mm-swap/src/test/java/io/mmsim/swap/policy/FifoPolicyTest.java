package io.mmsim.swap.policy;

import java.util.List;

import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/** FIFO through the replacement-policy contract, with the textbooks' miss counts. */
final class FifoPolicyTest extends ReplacementPolicyContract {

  @Override
  protected ReplacementPolicyProvider provider() {
    return new FifoPolicyProvider();
  }

  @Override
  protected List<Textbook> textbook() {
    return List.of(
        new Textbook("Belady anomaly string", TextbookStrings.BELADY, 3, 9),
        new Textbook("Belady anomaly string", TextbookStrings.BELADY, 4, 10),
        new Textbook("Operating System Concepts", TextbookStrings.OSC, 3, 15));
  }
}
