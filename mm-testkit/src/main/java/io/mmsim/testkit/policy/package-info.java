/**
 * The contract suite of replacement policies: {@link
 * io.mmsim.testkit.policy.ReplacementPolicyContract}, which a module subclasses with its provider,
 * checks the bookkeeping, the victims, removal and give-back, determinism, published miss counts
 * and a seeded random sequence against a model of the resident set, driving policies as {@link
 * io.mmsim.api.reclaim.PolicySimulator} and the kernel do.
 */
package io.mmsim.testkit.policy;
