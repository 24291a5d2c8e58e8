package io.mmsim.policies;

import java.util.List;

import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/** LFU through the replacement-policy contract. */
final class LfuPolicyTest extends ReplacementPolicyContract {

  private static final long[] BELADY = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

  @Override
  protected ReplacementPolicyProvider provider() {
    return new LfuPolicyProvider();
  }

  @Override
  protected List<Textbook> textbook() {
    return List.of(new Textbook("Belady anomaly string, by hand", BELADY, 3, 10));
  }
}
