/**
 * mmsim's research replacement policies: ARC, 2Q, LIRS, CLOCK-Pro, S3-FIFO, SIEVE, LFU, MRU and
 * random, each behind its own {@link io.mmsim.api.spi.ReplacementPolicyProvider} and chosen with
 * {@code reclaim.policy}. The module depends on mm-api alone and exports nothing: it is built the
 * way an outside author builds a policy.
 */
module io.mmsim.policies {
  requires io.mmsim.api;
  // AutoService's annotation is source-only: used at compile time to write META-INF/services
  requires static com.google.auto.service;

  provides io.mmsim.api.spi.ReplacementPolicyProvider with
      io.mmsim.policies.ArcPolicyProvider,
      io.mmsim.policies.TwoQueuePolicyProvider,
      io.mmsim.policies.LirsPolicyProvider,
      io.mmsim.policies.ClockProPolicyProvider,
      io.mmsim.policies.S3FifoPolicyProvider,
      io.mmsim.policies.SievePolicyProvider,
      io.mmsim.policies.LfuPolicyProvider,
      io.mmsim.policies.MruPolicyProvider,
      io.mmsim.policies.RandomPolicyProvider;
}
