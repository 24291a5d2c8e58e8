package io.mmsim.api.trace;

import static io.mmsim.api.trace.ExplainLines.hex;
import static io.mmsim.api.trace.ExplainLines.pfn;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.Pte;

/**
 * The sentences of a page fault and of address translation: the {@code #PF} error code bit by bit
 * ({@code arch/x86/mm/fault.c}), the VMA and the handler that resolved it ({@code mm/memory.c:
 * do_anonymous_page, do_wp_page, do_fault, do_swap_page}), and a page walk level by level.
 */
final class FaultExplainer {

  private FaultExplainer() {}

  /** Explains {@code e} if it is one of these tracepoints; false if it is not. */
  static boolean explain(ExplainLines out, TraceEvent e) {
    switch (e.tracepoint()) {
      case PAGE_FAULT_USER, PAGE_FAULT_KERNEL -> fault(out, e);
      case FAULT_VMA ->
          out.add(
              2,
              "the address lies in the area "
                  + hex(e.arg("start"))
                  + "-"
                  + hex(e.arg("end"))
                  + " "
                  + Prot.format((int) e.arg("prot"))
                  + (e.arg("shared") != 0 ? "s" : "p")
                  + " ("
                  + e.text("backing")
                  + ")");
      case DO_ANONYMOUS_PAGE ->
          out.add(
              2,
              e.arg("zero_page") != 0
                  ? "do_anonymous_page: a read of a page never written maps the shared zero page "
                      + pfn(e.arg("pfn"))
                      + " read-only"
                  : "do_anonymous_page: a new zeroed page " + pfn(e.arg("pfn")) + " is mapped");
      case DO_WP_PAGE ->
          out.add(
              2,
              e.arg("copied") != 0
                  ? "do_wp_page: write to a page shared copy-on-write: copied "
                      + pfn(e.arg("old_pfn"))
                      + " to a new page "
                      + pfn(e.arg("new_pfn"))
                  : "do_wp_page: write to a write-protected page nobody else maps: "
                      + pfn(e.arg("old_pfn"))
                      + " made writable in place");
      case DO_FILE_PAGE ->
          out.add(
              2,
              "file page at offset "
                  + e.arg("offset")
                  + (e.arg("cached") != 0 ? " found in the page cache" : " read in")
                  + ", frame "
                  + pfn(e.arg("pfn")));
      case DO_SWAP_PAGE ->
          out.add(
              2,
              "do_swap_page: the page was swapped out to slot "
                  + e.arg("offset")
                  + " of swap area "
                  + e.arg("type")
                  + ": "
                  + (e.arg("swapcache") != 0 ? "still in the swap cache at " : "read back into ")
                  + pfn(e.arg("pfn")));
      case FAULT_DONE ->
          out.add(2, "handled by the " + e.text("handler") + " handler: " + e.text("result"));
      case PAGE_WALK ->
          out.add(
              1,
              "translate "
                  + hex(e.arg("address"))
                  + " ("
                  + e.text("access")
                  + ", "
                  + (e.arg("user") != 0 ? "user" : "kernel")
                  + "): walk the tables from CR3 = "
                  + hex(e.arg("cr3") << Page.PAGE_SHIFT));
      case WALK_STEP -> {
        long level = e.arg("level");
        long entry = e.arg("entry");
        int shift = Page.PAGE_SHIFT + 9 * (int) (level - 1);
        out.add(
            2,
            levelName(level)
                + "["
                + e.arg("index")
                + "] (address bits "
                + (shift + 8)
                + ".."
                + shift
                + ") in table "
                + pfn(e.arg("table"))
                + " = "
                + entryText(entry));
      }
      case WALK_DONE ->
          out.add(
              2,
              "physical address "
                  + hex(e.arg("phys"))
                  + " (page size "
                  + (1L << (e.arg("page_shift") - 10))
                  + " KiB)");
      case USER_ACCESS -> {
        // the walk (or the TLB hit) is the explanation; the access itself adds nothing
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** {@code #PF}: CR2 and the error code bit by bit. */
  private static void fault(ExplainLines out, TraceEvent e) {
    long code = e.arg("error_code");
    out.add(
        1,
        "page fault at CR2 = "
            + hex(e.arg("address"))
            + ", error code "
            + hex(code)
            + ": "
            + ErrorCode.describe((int) code));
    out.add(
        2,
        "bit 0 P="
            + (code & 1)
            + ((code & ErrorCode.PROT) != 0 ? " (the page was present)" : " (no page)")
            + ", bit 1 W="
            + ((code >> 1) & 1)
            + ((code & ErrorCode.WRITE) != 0 ? " (write)" : " (read)")
            + ", bit 2 U="
            + ((code >> 2) & 1)
            + ((code & ErrorCode.USER) != 0 ? " (user mode)" : " (kernel mode)")
            + ((code & ErrorCode.RSVD) != 0 ? ", bit 3 RSVD=1 (reserved bit set)" : "")
            + ((code & ErrorCode.INSTR) != 0 ? ", bit 4 I=1 (instruction fetch)" : ""));
  }

  private static String levelName(long level) {
    return switch ((int) level) {
      case 5 -> "PML5";
      case 4 -> "PML4";
      case 3 -> "PDPT";
      case 2 -> "PD";
      case 1 -> "PT";
      default -> "level " + level;
    };
  }

  private static String entryText(long entry) {
    if (entry == 0) {
      return "0 (empty)";
    }
    if (!Pte.present(entry)) {
      return Pte.isSwap(entry)
          ? hex(entry)
              + " (not present: swap slot "
              + Pte.swapOffset(entry)
              + " of area "
              + Pte.swapType(entry)
              + ")"
          : hex(entry) + " (not present)";
    }
    return Pte.describe(entry);
  }
}
