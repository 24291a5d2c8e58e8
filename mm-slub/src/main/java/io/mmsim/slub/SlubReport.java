package io.mmsim.slub;

import java.util.ArrayList;
import java.util.List;

import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.PhysicalMemory;

/**
 * Builds the lines of a SLUB debug report the way {@code mm/slub.c} prints them (5.14 - 6.14 form):
 * a rule of 77 {@code =}, {@code BUG <cache> (Not tainted): <reason>}, a rule of 77 {@code -} and a
 * blank line, then the details, the hex dumps ({@code print_hex_dump} with 16 bytes a row, one-byte
 * groups and the ASCII column) and {@code FIX <cache>: ...} lines.
 *
 * <p>Used only on error paths: it allocates freely.
 */
final class SlubReport {
  static final String RULE_EQ = "=".repeat(77);
  static final String RULE_DASH = "-".repeat(77);

  /** Base of {@code struct page} array ({@code vmemmap_base}, 4-level, no KASLR). */
  static final long VMEMMAP_BASE = 0xffffea0000000000L;

  /** {@code sizeof(struct page)}. */
  static final int STRUCT_PAGE_SIZE = 64;

  private final List<String> lines = new ArrayList<>();

  /** Starts a report: the rules and the {@code BUG} headline. */
  SlubReport bug(String cache, String reason) {
    lines.add(RULE_EQ);
    lines.add("BUG " + cache + " (Not tainted): " + reason);
    lines.add(RULE_DASH);
    lines.add("");
    return this;
  }

  /** Adds a plain line. */
  SlubReport line(String text) {
    lines.add(text);
    return this;
  }

  /** Adds a {@code FIX <cache>: <msg>} line. */
  SlubReport fix(String cache, String msg) {
    lines.add("FIX " + cache + ": " + msg);
    return this;
  }

  /** Adds the rows of {@code print_hex_dump} of {@code len} bytes at direct-map {@code addr}. */
  SlubReport hexDump(String prefix, long addr, long len, PhysicalMemory memory) {
    long pa = KernelLayout.pa(addr);
    for (long row = 0; row < len; row += 16) {
      int n = (int) Math.min(16, len - row);
      StringBuilder sb = new StringBuilder(prefix.length() + 90);
      sb.append(prefix).append(hex16(addr + row)).append(": ");
      StringBuilder ascii = new StringBuilder(16);
      int hexLen = 0;
      for (int i = 0; i < n; i++) {
        int b = memory.readByte(pa + row + i) & 0xff;
        if (i > 0) {
          sb.append(' ');
          hexLen++;
        }
        sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 15, 16));
        hexLen += 2;
        ascii.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
      }
      // the ASCII column starts at rowsize * 2 + rowsize / groupsize + 1 = 49
      while (hexLen < 49) {
        sb.append(' ');
        hexLen++;
      }
      sb.append(ascii);
      lines.add(sb.toString());
    }
    return this;
  }

  /** The lines so far. */
  List<String> lines() {
    return lines;
  }

  /** A pointer as the kernel prints {@code %p} without hashing: 16 hex digits. */
  static String hex16(long v) {
    String h = Long.toHexString(v);
    return "0".repeat(16 - h.length()) + h;
  }

  /** The {@code struct slab} (= {@code struct page}) address of the frame {@code pfn}. */
  static long slabPointer(long pfn) {
    return VMEMMAP_BASE + pfn * STRUCT_PAGE_SIZE;
  }
}
