package io.mmsim.swap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mmsim.api.fault.AddressSpace;
import io.mmsim.api.fault.FaultContext;
import io.mmsim.api.fault.FaultHandler;
import io.mmsim.api.fault.FaultOutcome;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.fault.Vma;
import io.mmsim.api.mem.Page;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.PageFault;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.SwapSystem;
import io.mmsim.api.trace.Tracer;

/*
 * The swap fault handler (do_swap_page in mm/memory.c): a fault on a non-present PTE that holds a
 * swap entry brings the page back.
 *
 *   1. read the PTE; not a swap entry -> DECLINED (the next handler, e.g. demand, takes it)
 *   2. no VMA -> SIGSEGV/MAPERR; access the VMA forbids -> SIGSEGV/ACCERR (access_error, the
 *      same checks as the demand handler, so the chain answers alike whichever handler sees it)
 *   3. an entry naming no slot in use ("Bad swap file entry") -> SIGBUS
 *   4. swap-cache lookup; a hit is a MINOR fault. A miss takes a frame (none: OOM), reads the
 *      slot into it and adds it to the swap cache: a MAJOR fault; a read error -> SIGBUS, the
 *      frame goes back (freeUserPage) and the PTE keeps its swap entry
 *   5. exclusive = the swap PTE carries SWP_EXCLUSIVE, or this PTE is the slot's only holder and
 *      nothing maps the page. A write fault takes the frame for a possible copy before looking
 *      the page up (an allocation may reclaim, and reclaim may drop an unmapped swap-cache
 *      page; the kernel pins the folio instead) and gives it back when no copy is needed. A
 *      write to a non-exclusive page copies it at once into that frame
 *      (wp_page_copy), mapped writable and dirty, announced as a new anonymous page. Otherwise
 *      the swap-cache page is mapped (present, user, accessed, NX unless the VMA is executable;
 *      PageTable.pfnPte drops NX on CPUs without it), writable when exclusive and the VMA allows
 *      writes, dirty when the fault was a write, and added to the rmap (pageAddRmap: the swap
 *      cache already holds a reference, so the kernel knows the page)
 *   6. swap_free of this PTE's reference; when no swap PTE needs the slot any more and either the
 *      fault was a write to an exclusive page or swap is more than half full, the slot is freed
 *      and the page leaves the swap cache (should_try_to_free_swap). Otherwise the page stays
 *      cached and clean: reclaiming it without a new write does not write it again.
 */
final class SwapFaultHandler implements FaultHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SwapFaultHandler.class);

  private final SwapSystem swap;
  private final Tracer trace;

  SwapFaultHandler(SwapSystem swap, Tracer trace) {
    this.swap = swap;
    this.trace = trace;
  }

  @Override
  public String name() {
    return "swap";
  }

  @Override
  public FaultOutcome handleMmFault(FaultContext ctx, PageFault fault) {
    AddressSpace mm = ctx.mm();
    if (mm == null) {
      return FaultOutcome.DECLINED;
    }
    PageTable pt = ctx.pageTable();
    long linear = fault.cr2() & ~Page.PAGE_OFFSET_MASK;
    long root = mm.root();
    // the entry the MMU's faulting walk stopped at, when it reached the page table; else a walk
    long slot = fault.pteSlot();
    long pte = slot >= 0 ? ctx.memory().readLong(slot) : pt.readPte(root, linear);
    if (!Pte.isSwap(pte)) {
      return FaultOutcome.DECLINED;
    }
    Vma vma = mm.findVma(fault.cr2());
    if (vma == null) {
      return FaultOutcome.SIGSEGV_MAPERR;
    }
    int prot = vma.prot();
    if (accessError(fault.errorCode(), prot)) {
      return FaultOutcome.SIGSEGV_ACCERR;
    }
    if (!swap.validEntry(pte)) {
      if (LOG.isWarnEnabled()) {
        LOG.warn(
            "pid {}: Bad swap file entry {} at 0x{}",
            mm.pid(),
            Long.toHexString(pte),
            Long.toHexString(linear));
      }
      return FaultOutcome.SIGBUS;
    }
    boolean write = (fault.errorCode() & ErrorCode.WRITE) != 0;
    // A write may need a copy. Take its frame first: an allocation can reclaim, and reclaim may
    // drop an unmapped swap-cache page, so none is allocated between finding the page and
    // mapping it (the kernel holds a folio reference there instead).
    long copy = PageAllocator.NO_PAGE;
    if (write) {
      copy = ctx.allocUserPage();
      if (copy == PageAllocator.NO_PAGE) {
        return FaultOutcome.OOM;
      }
    }
    boolean major = false;
    long pfn = swap.lookupSwapCache(pte);
    if (pfn == SwapSystem.NO_PAGE) {
      pfn = ctx.allocUserPage();
      if (pfn == PageAllocator.NO_PAGE) {
        release(ctx, copy);
        return FaultOutcome.OOM;
      }
      if (!swap.readIntoSwapCache(pte, pfn)) {
        ctx.freeUserPage(pfn);
        release(ctx, copy);
        return FaultOutcome.SIGBUS;
      }
      major = true;
    }
    FaultOutcome done = major ? FaultOutcome.MAJOR : FaultOutcome.MINOR;
    boolean exclusive =
        (pte & Pte.SWP_EXCLUSIVE) != 0 || swap.swapCount(pte) == 1 && mapCount(ctx, pfn) == 0;
    long base = Pte.PRESENT | Pte.USER | Pte.ACCESSED | ((prot & Prot.EXEC) == 0 ? Pte.NX : 0);
    if (write && !exclusive) {
      // the page is shared with another holder of the slot or another mapping: copy it now
      ctx.memory().copyPage(pfn, copy);
      if (!pt.writePte(root, linear, pt.pfnPte(copy, base | Pte.RW | Pte.DIRTY))) {
        ctx.freeUserPage(copy);
        return FaultOutcome.OOM;
      }
      ctx.pageAddNewAnonRmap(copy, mm, linear);
      if (trace.on()) {
        trace.doSwapPage(linear, pfn, Pte.swapType(pte), Pte.swapOffset(pte), !major);
        trace.doWpPage(linear, pfn, copy, true);
      }
      swap.swapFree(pte);
      if (swap.swapCount(pte) == 0 && mapCount(ctx, pfn) == 0) {
        swap.tryToFreeSwap(pfn);
      }
      return done;
    }
    release(ctx, copy);
    long flags = base;
    if (exclusive && (prot & Prot.WRITE) != 0) {
      flags |= Pte.RW | (write ? Pte.DIRTY : 0);
    }
    if (!pt.writePte(root, linear, pt.pfnPte(pfn, flags))) {
      return FaultOutcome.OOM; // nothing mapped; a page just read stays in the swap cache
    }
    ctx.pageAddRmap(pfn, mm, linear);
    if (trace.on()) {
      trace.doSwapPage(linear, pfn, Pte.swapType(pte), Pte.swapOffset(pte), !major);
    }
    swap.swapFree(pte);
    if (swap.swapCount(pte) == 0 && (write && exclusive || swap.swapFull())) {
      swap.tryToFreeSwap(pfn);
    }
    return done;
  }

  /**
   * x86 Linux's access_error() for a fault on a non-present entry: a write needs PROT_WRITE, a read
   * or fetch needs any access (a fetch from a non-executable area then faults again on the present,
   * NX page).
   */
  static boolean accessError(int err, int prot) {
    if ((err & ErrorCode.WRITE) != 0) {
      return (prot & Prot.WRITE) == 0;
    }
    if ((err & ErrorCode.PROT) != 0) {
      return true;
    }
    return (prot & (Prot.READ | Prot.WRITE | Prot.EXEC)) == 0;
  }

  private static void release(FaultContext ctx, long frame) {
    if (frame != PageAllocator.NO_PAGE) {
      ctx.freeUserPage(frame);
    }
  }

  /** Page-table mappings of a frame: its references less the swap cache's. */
  private int mapCount(FaultContext ctx, long pfn) {
    return ctx.pageCount(pfn) - (swap.inSwapCache(pfn) ? 1 : 0);
  }
}
