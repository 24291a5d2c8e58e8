package io.mmsim.paging.demand;

import io.mmsim.api.fault.AddressSpace;
import io.mmsim.api.fault.FaultContext;
import io.mmsim.api.fault.FaultHandler;
import io.mmsim.api.fault.FaultOutcome;
import io.mmsim.api.fault.FileBacking;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.fault.Vma;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.PageFault;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.trace.Tracer;

/*
 * Demand paging: what handle_mm_fault does for a fault on a missing or write-protected page.
 *
 * Dispatch (arch/x86/mm/fault.c do_user_addr_fault, mm/memory.c handle_pte_fault):
 *   error code RSVD                       -> BAD_PAGETABLE (pgtable_bad)
 *   address >= TASK_SIZE_MAX              -> user mode: SIGSEGV_MAPERR; kernel mode: MINOR when
 *                                            the tables now allow the access (a spurious fault),
 *                                            else DECLINED (the kernel's oops path)
 *   no VMA                                -> SIGSEGV_MAPERR
 *   access_error(error code, VMA)         -> SIGSEGV_ACCERR. As in Linux: a write needs
 *                                            PROT_WRITE; a read or fetch of a present page (P = 1)
 *                                            is always an error; a read or fetch of a missing page
 *                                            needs any of PROT_READ/WRITE/EXEC. So a fetch from a
 *                                            missing page of a readable, non-executable area first
 *                                            maps it (with XD), and the retried fetch fails with
 *                                            error code 0x15 -> SIGSEGV_ACCERR.
 *   PTE == 0 (do_pte_missing):
 *     anonymous, read                     -> the zero page, read-only, SPECIAL; without a zero page
 *                                            a zeroed frame, writable+dirty if the VMA is writable
 *     anonymous, write                    -> a zeroed frame, writable+dirty
 *     file, read or fetch (do_read_fault) -> the page-cache page (read from the file on a miss:
 *                                            MAJOR, past EOF: SIGBUS), read-only
 *     file, private write (do_cow_fault)  -> a new anonymous page holding a copy of the file's page
 *                                            (the page-cache page, else read from the file:
 *                                            MAJOR), writable+dirty
 *     file, shared write (do_shared_fault)-> the page-cache page, writable+dirty
 *   PTE not present, non-zero (a swap entry)          -> DECLINED: the swap handler's
 *   present, write, R/W clear (do_wp_page):
 *     shared VMA                          -> the same page made writable+dirty (wp_page_shared)
 *     the zero page                       -> a fresh zeroed frame (COW)
 *     anonymous page with count 1         -> reused: made writable+dirty (wp_page_reuse)
 *     otherwise                           -> copied to a new anonymous frame, old mapping dropped,
 *                                            TLB entry flushed (wp_page_copy); when the allocation
 *                                            reclaimed the page meanwhile (the entry changed), the
 *                                            new frame goes back and the fault is retried
 *   present and already allowing the access (stale TLB) -> Accessed (and Dirty) set; MINOR
 *
 * Entry bits follow x86 Linux's protection_map: P | U/S | A, plus XD when the VMA is not
 * executable (and the CPU supports it); private mappings are read-only until copy-on-write;
 * shared file mappings are mapped read-only on a read so that the first write is seen (write
 * notification for dirty accounting).
 *
 * Failure leaves everything as it was: a frame is allocated before any entry is written, and a
 * table allocation failure in writePte gives the frame back (freeUserPage). A read fault reads file
 * data into a scratch buffer before any frame is taken; SIGBUS past EOF gives back any frame taken.
 *
 * Not modelled: fault-around (do_fault_around maps neighbouring cached pages on a read fault),
 * stack growth (VM_GROWSDOWN), NUMA hinting (PROT_NONE entries), userfaultfd, huge pages.
 *
 * Not thread-safe: one kernel, one thread (the scratch buffer is per handler).
 */
final class DemandFaultHandler implements FaultHandler {
  static final String NAME = "demand";
  private static final long PAST_EOF = -2L;

  private final byte[] buffer = new byte[Page.PAGE_SIZE];
  private final Tracer trace;

  DemandFaultHandler(Tracer trace) {
    this.trace = trace;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public FaultOutcome handleMmFault(FaultContext ctx, PageFault fault) {
    int err = fault.errorCode();
    long addr = fault.cr2();
    PageTable pt = ctx.pageTable();
    if ((err & ErrorCode.RSVD) != 0) {
      return FaultOutcome.BAD_PAGETABLE;
    }
    long root = ctx.mm().root();
    if (Long.compareUnsigned(addr, pt.taskSizeMax()) >= 0) {
      if ((err & ErrorCode.USER) != 0) {
        return FaultOutcome.SIGSEGV_MAPERR;
      }
      return spuriousKernelFault(pt, root, addr, err) ? FaultOutcome.MINOR : FaultOutcome.DECLINED;
    }
    Vma vma = ctx.mm().findVma(addr);
    if (vma == null) {
      return FaultOutcome.SIGSEGV_MAPERR;
    }
    if (accessError(err, vma.prot())) {
      return FaultOutcome.SIGSEGV_ACCERR;
    }
    long page = addr & ~Page.PAGE_OFFSET_MASK;
    // the entry where the MMU's walk stopped, else one walk to it when its table exists
    // (pte_offset_map); reused for the write
    long slot = fault.pteSlot();
    if (slot == PageFault.SLOT_UNKNOWN) {
      slot = pt.pteSlot(root, page);
    }
    long pte = slot >= 0 ? ctx.memory().readLong(slot) : pt.readPte(root, page);
    if (pte == 0) {
      return doPteMissing(ctx, vma, page, err, slot);
    }
    if (!Pte.present(pte)) {
      return FaultOutcome.DECLINED;
    }
    boolean write = (err & ErrorCode.WRITE) != 0;
    if (write && (pte & Pte.RW) == 0) {
      return doWpPage(ctx, vma, page, pte);
    }
    long young = pte | Pte.ACCESSED | (write ? Pte.DIRTY : 0);
    if (young != pte) {
      pt.writePte(root, page, young);
    }
    return FaultOutcome.MINOR;
  }

  /** Linux's access_error() for x86: true when the VMA forbids the access. */
  static boolean accessError(int err, int prot) {
    if ((err & ErrorCode.WRITE) != 0) {
      return (prot & Prot.WRITE) == 0;
    }
    if ((err & ErrorCode.PROT) != 0) {
      return true;
    }
    return (prot & (Prot.READ | Prot.WRITE | Prot.EXEC)) == 0;
  }

  /** True when the kernel-half entry for {@code addr} now allows the access that faulted. */
  private static boolean spuriousKernelFault(PageTable pt, long root, long addr, int err) {
    if (!pt.isCanonical(addr)) {
      return false;
    }
    long e = pt.readPte(root, addr);
    if (!Pte.present(e)) {
      return false;
    }
    if ((err & ErrorCode.WRITE) != 0 && (e & Pte.RW) == 0) {
      return false;
    }
    return (err & ErrorCode.INSTR) == 0 || (e & Pte.NX) == 0;
  }

  /** The entry bits of a page of {@code vma} before any write permission ({@code vm_page_prot}). */
  private static long baseFlags(Vma vma) {
    long flags = Pte.PRESENT | Pte.USER | Pte.ACCESSED;
    if ((vma.prot() & Prot.EXEC) == 0) {
      flags |= Pte.NX;
    }
    return flags;
  }

  // ---------------------------------------------------------------- missing entries

  private FaultOutcome doPteMissing(FaultContext ctx, Vma vma, long page, int err, long slot) {
    boolean write = (err & ErrorCode.WRITE) != 0;
    FileBacking file = vma.file();
    if (file == null) {
      if (vma.shared()) {
        throw new IllegalStateException(
            String.format(
                "pid %d: shared anonymous area" + " [0x%x, 0x%x) has no shmem file behind it",
                ctx.mm().pid(), vma.start(), vma.end()));
      }
      return doAnonymousPage(ctx, vma, page, write, slot);
    }
    long offset = vma.fileOffset() + (page - vma.start());
    if (write && !vma.shared()) {
      return doCowFault(ctx, vma, file, offset, page);
    }
    return doFilePage(ctx, vma, file, offset, page, write);
  }

  /**
   * Sets the empty entry of {@code page}: through {@code slot} when the walk found it ({@code
   * set_pte_at}), else through the page table, which creates the missing tables; false when a table
   * could not be allocated.
   */
  private static boolean setPte(FaultContext ctx, long page, long slot, long entry) {
    if (slot >= 0) {
      ctx.memory().writeLong(slot, entry);
      return true;
    }
    return ctx.pageTable().writePte(ctx.mm().root(), page, entry);
  }

  private FaultOutcome doAnonymousPage(
      FaultContext ctx, Vma vma, long page, boolean write, long slot) {
    PageTable pt = ctx.pageTable();
    AddressSpace mm = ctx.mm();
    long flags = baseFlags(vma);
    long zero = ctx.zeroPfn();
    if (!write && zero >= 0) {
      if (!setPte(ctx, page, slot, pt.pfnPte(zero, flags | Pte.SPECIAL))) {
        return FaultOutcome.OOM;
      }
      if (Tracer.anyOn() && trace.on()) {
        trace.doAnonymousPage(page, zero, true);
      }
      return FaultOutcome.MINOR;
    }
    long pfn = ctx.allocUserPage();
    if (pfn == PageAllocator.NO_PAGE) {
      return FaultOutcome.OOM;
    }
    ctx.memory().zeroPage(pfn);
    if ((vma.prot() & Prot.WRITE) != 0) {
      flags |= Pte.RW | Pte.DIRTY;
    }
    if (!setPte(ctx, page, slot, pt.pfnPte(pfn, flags))) {
      ctx.freeUserPage(pfn);
      return FaultOutcome.OOM;
    }
    ctx.pageAddNewAnonRmap(pfn, mm, page);
    if (Tracer.anyOn() && trace.on()) {
      trace.doAnonymousPage(page, pfn, false);
    }
    return FaultOutcome.MINOR;
  }

  /**
   * Reads the file's page at {@code offset} into a new frame: the frame, {@link #PAST_EOF} when the
   * page lies beyond the end of the file (nothing allocated), or {@code NO_PAGE}.
   */
  private long readIntoNewFrame(FaultContext ctx, FileBacking file, long offset) {
    if (!file.readPage(offset, buffer)) {
      return PAST_EOF;
    }
    long pfn = ctx.allocUserPage();
    if (pfn == PageAllocator.NO_PAGE) {
      return PageAllocator.NO_PAGE;
    }
    ctx.memory().writePage(pfn, buffer, 0);
    return pfn;
  }

  private FaultOutcome doFilePage(
      FaultContext ctx, Vma vma, FileBacking file, long offset, long page, boolean write) {
    PageTable pt = ctx.pageTable();
    AddressSpace mm = ctx.mm();
    long pfn = ctx.pageCacheFind(file, offset);
    boolean fresh = pfn == PageAllocator.NO_PAGE;
    if (fresh) {
      pfn = readIntoNewFrame(ctx, file, offset);
      if (pfn == PAST_EOF) {
        return FaultOutcome.SIGBUS;
      }
      if (pfn == PageAllocator.NO_PAGE) {
        return FaultOutcome.OOM;
      }
    }
    long flags = baseFlags(vma) | (write ? Pte.RW | Pte.DIRTY : 0);
    if (!pt.writePte(mm.root(), page, pt.pfnPte(pfn, flags))) {
      if (fresh) {
        ctx.freeUserPage(pfn);
      }
      return FaultOutcome.OOM;
    }
    if (fresh) {
      ctx.pageCacheAdd(file, offset, pfn);
    }
    ctx.pageAddRmap(pfn, mm, page);
    if (Tracer.anyOn() && trace.on()) {
      trace.doFilePage(page, pfn, offset, !fresh);
    }
    return fresh && !file.shmem() ? FaultOutcome.MAJOR : FaultOutcome.MINOR;
  }

  /**
   * A write to a missing page of a private file mapping: a new anonymous page holding a copy of the
   * file's page. The copy's frame is taken first, since the allocation may reclaim (and evict the
   * page-cache page being copied). A page the cache does not hold is read straight into the copy,
   * without entering the cache: no mapping would keep it there.
   */
  private FaultOutcome doCowFault(
      FaultContext ctx, Vma vma, FileBacking file, long offset, long page) {
    PageTable pt = ctx.pageTable();
    AddressSpace mm = ctx.mm();
    long anon = ctx.allocUserPage();
    if (anon == PageAllocator.NO_PAGE) {
      return FaultOutcome.OOM;
    }
    long cached = ctx.pageCacheFind(file, offset);
    boolean read = cached == PageAllocator.NO_PAGE;
    if (read) {
      if (!file.readPage(offset, buffer)) {
        ctx.freeUserPage(anon);
        return FaultOutcome.SIGBUS;
      }
      ctx.memory().writePage(anon, buffer, 0);
    } else {
      ctx.memory().copyPage(cached, anon);
    }
    long flags = baseFlags(vma) | Pte.RW | Pte.DIRTY;
    if (!pt.writePte(mm.root(), page, pt.pfnPte(anon, flags))) {
      ctx.freeUserPage(anon);
      return FaultOutcome.OOM;
    }
    ctx.pageAddNewAnonRmap(anon, mm, page);
    if (Tracer.anyOn() && trace.on()) {
      // do_cow_fault: the file page (cached or read in) copied into a private anonymous page
      trace.doFilePage(page, anon, offset, !read);
    }
    return read && !file.shmem() ? FaultOutcome.MAJOR : FaultOutcome.MINOR;
  }

  // ---------------------------------------------------------------- write-protect faults

  /**
   * True when {@code now} still maps what {@code before} mapped, with the same permissions: only
   * the Accessed and Dirty bits may differ (reclaim's scan clears Accessed).
   */
  private static boolean samePage(long now, long before) {
    return ((now ^ before) & ~(Pte.ACCESSED | Pte.DIRTY)) == 0;
  }

  private FaultOutcome doWpPage(FaultContext ctx, Vma vma, long page, long pte) {
    PageTable pt = ctx.pageTable();
    AddressSpace mm = ctx.mm();
    long root = mm.root();
    long pfn = Pte.pfn(pte);
    if (vma.shared()) {
      pt.writePte(root, page, pte | Pte.RW | Pte.DIRTY | Pte.ACCESSED);
      if (Tracer.anyOn() && trace.on()) {
        trace.doWpPage(page, pfn, pfn, false);
      }
      return FaultOutcome.MINOR;
    }
    boolean zero = (pte & Pte.SPECIAL) != 0 && pfn == ctx.zeroPfn();
    if (!zero && ctx.pageAnon(pfn) && ctx.pageCount(pfn) == 1) {
      pt.writePte(root, page, pte | Pte.RW | Pte.DIRTY | Pte.ACCESSED);
      if (Tracer.anyOn() && trace.on()) {
        trace.doWpPage(page, pfn, pfn, false);
      }
      return FaultOutcome.MINOR;
    }
    long copy = ctx.allocUserPage();
    if (copy == PageAllocator.NO_PAGE) {
      return FaultOutcome.OOM;
    }
    if (!samePage(pt.readPte(root, page), pte)) {
      // the allocation reclaimed: the page may be unmapped or swapped out by now, so the copy
      // would start from a stale entry. Give the frame back and let the access retry
      // (wp_page_copy's pte_same check after allocating).
      ctx.freeUserPage(copy);
      return FaultOutcome.MINOR;
    }
    PhysicalMemory mem = ctx.memory();
    if (zero) {
      mem.zeroPage(copy);
    } else {
      mem.copyPage(pfn, copy);
    }
    boolean written = pt.writePte(root, page, pt.pfnPte(copy, baseFlags(vma) | Pte.RW | Pte.DIRTY));
    assert written : "rewriting a present entry needs no table";
    pt.flushTlbPage(page);
    ctx.pageAddNewAnonRmap(copy, mm, page);
    if (!zero) {
      ctx.pageRemoveRmap(pfn, mm, page);
    }
    if (Tracer.anyOn() && trace.on()) {
      trace.doWpPage(page, pfn, copy, true);
    }
    return FaultOutcome.MINOR;
  }
}
