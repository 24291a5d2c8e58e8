/**
 * The {@code demand} fault-handler provider: demand paging over any page-table implementation.
 *
 * <h2>Design</h2>
 *
 * {@code DemandFaultHandler} sees the machine only through mm-api: the faulting address space and
 * its areas ({@link io.mmsim.api.fault.AddressSpace}, {@link io.mmsim.api.fault.Vma}), frames,
 * reverse map and page cache through {@link io.mmsim.api.fault.FaultContext}, and entries through
 * {@link io.mmsim.api.paging.PageTable}. It decides as Linux's {@code do_user_addr_fault} and
 * {@code handle_pte_fault} do (the class comment has the full table), and it either resolves a
 * fault completely or changes nothing.
 */
package io.mmsim.paging.demand;
