/**
 * Test support for page tables and MMUs: {@link io.mmsim.testkit.paging.PageTableContract}, the
 * suite an x86-64 {@link io.mmsim.api.paging.PageTable} implementation subclasses with one factory
 * method (it inherits the MMU, TLB and control-register tests of {@link
 * io.mmsim.testkit.paging.MmuContract}, which also builds the machine), and {@link
 * io.mmsim.testkit.paging.SimplePageTable}, a deliberately simple kernel page table for testing the
 * parts that only map kernel memory (vmalloc) without an implementation of the MMU. The contract's
 * seeded random test and its model of entries and tables are in {@code PageTableRandomScenario}.
 *
 * <p>Every expectation in the contract comes from the hardware's rules (Intel SDM vol. 3 ch. 4) or
 * the kernel's ({@code arch/x86/mm/}, {@code mm/memory.c}), never from an implementation.
 */
package io.mmsim.testkit.paging;
