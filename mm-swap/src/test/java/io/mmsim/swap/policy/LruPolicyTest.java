package io.mmsim.swap.policy;

import java.util.List;

import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/** exact LRU through the replacement-policy contract, with the textbooks' miss counts. */
final class LruPolicyTest extends ReplacementPolicyContract {

  @Override
  protected ReplacementPolicyProvider provider() {
    return new LruPolicyProvider();
  }

  @Override
  protected List<Textbook> textbook() {
    return List.of(
        new Textbook("Belady anomaly string", TextbookStrings.BELADY, 3, 10),
        new Textbook("Belady anomaly string", TextbookStrings.BELADY, 4, 8),
        new Textbook("Operating System Concepts", TextbookStrings.OSC, 3, 12));
  }
}
