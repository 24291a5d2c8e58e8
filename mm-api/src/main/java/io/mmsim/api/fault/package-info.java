/**
 * Fault handling: the {@link io.mmsim.api.fault.FaultHandler} chain, what it may use ({@link
 * io.mmsim.api.fault.FaultContext}), the process-side view it works on ({@link
 * io.mmsim.api.fault.AddressSpace}, {@link io.mmsim.api.fault.Vma}, {@link
 * io.mmsim.api.fault.FileBacking}) and its outcomes ({@link io.mmsim.api.fault.FaultOutcome}).
 *
 * <h2>The access loop</h2>
 *
 * <pre>
 *   pa = mmu.translate(linear, access, user)
 *   FAULT -&gt; fault = pageFault.reset(mmu.cr2(), mmu.errorCode(), regs)
 *         -&gt; each handler in the chain until one does not return DECLINED
 *         -&gt; MINOR / MAJOR: count (min_flt / maj_flt) and retry the access
 *            SIGSEGV_* / SIGBUS / BAD_PAGETABLE: deliver the signal; OOM: the OOM path
 * </pre>
 *
 * A handler never depends on the kernel's classes: everything it needs is in the context and the
 * paging API. It changes nothing when it returns anything but MINOR or MAJOR.
 *
 * <h2>Protections and entries</h2>
 *
 * {@link io.mmsim.api.fault.Prot} bits of an area become entry bits as x86 Linux's {@code
 * protection_map} makes them: present, user, accessed, XD unless executable; writable only in a
 * shared writable area after a write, or for an anonymous page written by its only owner; a private
 * area's pages are read-only until copy-on-write.
 */
package io.mmsim.api.fault;
