package io.mmsim.api.reclaim;

import io.mmsim.api.spi.ProviderContext;

/**
 * The context the kernel passes to {@link io.mmsim.api.spi.ReplacementPolicyProvider#create} when
 * it has more to tell a policy than any provider gets: the future references of a workload known in
 * advance. A plain {@link ProviderContext} means "nothing known".
 *
 * @since 1.0
 */
public interface PolicyContext extends ProviderContext {

  /** The reference string this policy's pages will follow, or {@code null} when not known. */
  FutureReferences future();
}
