/**
 * mmsim's swap module: the swap subsystem, the {@code swap} fault handler and the replacement
 * policies {@code linux}, {@code mglru}, {@code fifo}, {@code lru}, {@code clock} and {@code opt};
 * its providers are found through ServiceLoader.
 */
module io.mmsim.swap {
  requires io.mmsim.api;
  requires org.slf4j;
  // AutoService's annotation is source-only: used at compile time to write META-INF/services
  requires static com.google.auto.service;

  provides io.mmsim.api.swap.SwapProvider with
      io.mmsim.swap.SwapSystemProvider;
  provides io.mmsim.api.spi.FaultHandlerProvider with
      io.mmsim.swap.SwapFaultHandlerProvider;
  provides io.mmsim.api.spi.ReplacementPolicyProvider with
      io.mmsim.swap.policy.LinuxPolicyProvider,
      io.mmsim.swap.policy.MglruPolicyProvider,
      io.mmsim.swap.policy.FifoPolicyProvider,
      io.mmsim.swap.policy.LruPolicyProvider,
      io.mmsim.swap.policy.ClockPolicyProvider,
      io.mmsim.swap.policy.OptPolicyProvider;
}
