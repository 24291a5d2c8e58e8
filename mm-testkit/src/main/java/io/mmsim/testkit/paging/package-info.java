/**
 * Test support for page tables and MMUs: {@link io.mmsim.testkit.paging.PageTableContract}, the
 * suite an x86-64 {@link io.mmsim.api.paging.PageTable} implementation subclasses with one factory
 * method, and {@link io.mmsim.testkit.paging.SimplePageTable}, a deliberately simple kernel page
 * table for testing the parts that only map kernel memory (vmalloc) without an implementation of
 * the MMU.
 *
 * <p>Every expectation in the contract comes from the hardware's rules (Intel SDM vol. 3 ch. 4) or
 * the kernel's ({@code arch/x86/mm/}, {@code mm/memory.c}), never from an implementation.
 */
package io.mmsim.testkit.paging;
