/**
 * Fault handling: the {@link io.mmsim.api.fault.FaultHandler} chain, what it may use
 * ({@link io.mmsim.api.fault.FaultContext}), the process-side view it works on
 * ({@link io.mmsim.api.fault.AddressSpace}, {@link io.mmsim.api.fault.Vma},
 * {@link io.mmsim.api.fault.FileBacking}) and its outcomes.
 */
package io.mmsim.api.fault;
