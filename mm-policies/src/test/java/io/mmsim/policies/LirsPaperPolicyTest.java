package io.mmsim.policies;

import java.util.Map;

import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.testkit.policy.ReplacementPolicyContract;

/** LIRS with {@code lirs.variant=paper} through the replacement-policy contract. */
final class LirsPaperPolicyTest extends ReplacementPolicyContract {

  @Override
  protected ReplacementPolicyProvider provider() {
    return new LirsPolicyProvider();
  }

  @Override
  protected Map<String, String> settings() {
    return Map.of("variant", "paper");
  }
}
