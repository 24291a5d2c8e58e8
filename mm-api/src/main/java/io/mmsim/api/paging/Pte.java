package io.mmsim.api.paging;

import io.mmsim.api.mem.Page;

/**
 * The x86-64 page-table entry layout, shared by every level, and the swap-entry encoding that a
 * non-present PTE carries.
 *
 * <pre>
 *  63  62..59  58 ...... 52 51 ............... 12 11..9  8  7  6  5  4   3   2  1  0
 * +--+-------+------------+----------------------+-----+--+--+--+--+---+---+--+--+--+
 * |NX| pkey  | sw/ignored |        PFN           | sw  |G |PS|D |A |PCD|PWT|US|RW|P |
 * +--+-------+------------+----------------------+-----+--+--+--+--+---+---+--+--+--+
 *  software bit 9: SPECIAL (no struct page, e.g. the zero page); PS is PAT in a 4 KiB PTE
 *
 * Swap entry (P = 0):
 *  63 ...... 59 58 ........................................ 9  8  7  6..4  3   2..1  0
 * +------------+-------------------------------------------+-----+------+----+-----+---+
 * | type (5)   |          ~offset (50 bits, inverted)      |  0  | 0 .. | EX | ... | 0 |
 * +------------+-------------------------------------------+-----+------+----+-----+---+
 * </pre>
 *
 * The offset is stored bit-inverted, as Linux does since the L1TF mitigation, so that a swap PTE
 * never points at real memory. Source: {@code arch/x86/include/asm/pgtable_types.h}, {@code
 * pgtable_64.h}.
 */
public final class Pte {
  private Pte() {}

  /** P: the entry maps something. */
  public static final long PRESENT = 1L;

  /** R/W: writes allowed. */
  public static final long RW = 1L << 1;

  /** U/S: user-mode access allowed. */
  public static final long USER = 1L << 2;

  /** PWT: write-through caching. */
  public static final long PWT = 1L << 3;

  /** PCD: caching disabled. */
  public static final long PCD = 1L << 4;

  /** A: set by the CPU on any access. */
  public static final long ACCESSED = 1L << 5;

  /** D: set by the CPU on a write (leaf entries only). */
  public static final long DIRTY = 1L << 6;

  /** PS: a huge page in a PMD (2 MiB) or PUD (1 GiB) entry. */
  public static final long PS = 1L << 7;

  /** G: the translation survives a CR3 load. */
  public static final long GLOBAL = 1L << 8;

  /** Software bit 9: a mapping with no {@code struct page} behind it, e.g. the zero page. */
  public static final long SPECIAL = 1L << 9;

  /** PAT in a huge-page (PS) entry; in a 4 KiB PTE the PAT bit is bit 7. */
  public static final long PAT_LARGE = 1L << 12;

  /** NX (XD): instruction fetches fault (needs EFER.NXE, else a reserved bit). */
  public static final long NX = 1L << 63;

  /** {@code _PAGE_TABLE}: how a user-half table is linked from its parent. */
  public static final long PAGE_TABLE = PRESENT | RW | USER | ACCESSED | DIRTY;

  /** {@code _KERNPG_TABLE}: how a kernel-half table is linked from its parent. */
  public static final long KERNPG_TABLE = PRESENT | RW | ACCESSED | DIRTY;

  /** {@code PAGE_KERNEL}: kernel data (direct map, vmalloc): writable, global, not executable. */
  public static final long PAGE_KERNEL = PRESENT | RW | ACCESSED | DIRTY | GLOBAL | NX;

  /** {@code PAGE_KERNEL_RO}: read-only kernel data. */
  public static final long PAGE_KERNEL_RO = PRESENT | ACCESSED | GLOBAL | NX;

  /** {@code PAGE_KERNEL_EXEC}: kernel text. */
  public static final long PAGE_KERNEL_EXEC = PRESENT | RW | ACCESSED | DIRTY | GLOBAL;

  /** {@code PAGE_KERNEL_LARGE}: a 2 MiB or 1 GiB kernel data page. */
  public static final long PAGE_KERNEL_LARGE = PAGE_KERNEL | PS;

  /** Width of the physical address in bits ({@code __PHYSICAL_MASK_SHIFT}). */
  public static final int PHYSICAL_MASK_SHIFT = 52;

  /** The PFN field, bits 12..51. */
  public static final long PFN_MASK = ((1L << PHYSICAL_MASK_SHIFT) - 1) & ~Page.PAGE_OFFSET_MASK;

  /** Swap entry: bit 3 marks an exclusive anonymous page ({@code _PAGE_SWP_EXCLUSIVE}). */
  public static final long SWP_EXCLUSIVE = 1L << 3;

  /** Swap entry: width of the type field ({@code SWP_TYPE_BITS}). */
  public static final int SWP_TYPE_BITS = 5;

  /** Swap entry: first bit of the inverted offset. */
  public static final int SWP_OFFSET_FIRST_BIT = 9;

  /** Swap entry: first bit of the type. */
  public static final int SWP_TYPE_FIRST_BIT = 64 - SWP_TYPE_BITS;

  /** Swap entry: width of the offset field. */
  public static final int SWP_OFFSET_BITS = SWP_TYPE_FIRST_BIT - SWP_OFFSET_FIRST_BIT;

  private static final long SWP_OFFSET_MASK = (1L << SWP_OFFSET_BITS) - 1;

  /** An entry mapping frame {@code pfn} with the given flag bits. */
  public static long make(long pfn, long flags) {
    return (pfn << Page.PAGE_SHIFT) & PFN_MASK | flags;
  }

  /** The frame an entry points at. */
  public static long pfn(long pte) {
    return (pte & PFN_MASK) >>> Page.PAGE_SHIFT;
  }

  /** True when the P bit is set. */
  public static boolean present(long pte) {
    return (pte & PRESENT) != 0;
  }

  /** The flag bits of an entry: everything but the PFN field. */
  public static long flags(long pte) {
    return pte & ~PFN_MASK;
  }

  /** True when every bit of {@code flags} is set in {@code pte}. */
  public static boolean has(long pte, long flags) {
    return (pte & flags) == flags;
  }

  /** True when the entry is present and maps a huge page (PS) at the PMD or PUD level. */
  public static boolean huge(long pte) {
    return (pte & (PRESENT | PS)) == (PRESENT | PS);
  }

  /** Formats the set flags the way page-table dumps do, e.g. {@code P RW US A D NX}. */
  public static String describe(long pte) {
    StringBuilder sb = new StringBuilder();
    String[] names = {"P", "RW", "US", "PWT", "PCD", "A", "D", "PS", "G", "SPECIAL"};
    for (int bit = 0; bit < names.length; bit++) {
      if ((pte & (1L << bit)) != 0) {
        sb.append(sb.length() == 0 ? "" : " ").append(names[bit]);
      }
    }
    if ((pte & NX) != 0) {
      sb.append(sb.length() == 0 ? "" : " ").append("NX");
    }
    return String.format("0x%016x pfn 0x%x %s", pte, pfn(pte), sb);
  }

  /** True when the entry is not present but holds a swap entry. */
  public static boolean isSwap(long pte) {
    return pte != 0 && (pte & PRESENT) == 0;
  }

  /** A swap entry for slot {@code offset} of swap area {@code type}. */
  public static long makeSwap(int type, long offset) {
    if (type < 0 || type >= (1 << SWP_TYPE_BITS) || offset < 0 || offset > SWP_OFFSET_MASK) {
      throw new IllegalArgumentException(
          "swap entry out of range: type " + type + " offset " + offset);
    }
    return ((long) type << SWP_TYPE_FIRST_BIT)
        | ((~offset & SWP_OFFSET_MASK) << SWP_OFFSET_FIRST_BIT);
  }

  /** The swap area index of a swap entry. */
  public static int swapType(long pte) {
    return (int) (pte >>> SWP_TYPE_FIRST_BIT);
  }

  /** The slot of a swap entry. */
  public static long swapOffset(long pte) {
    return ~(pte >>> SWP_OFFSET_FIRST_BIT) & SWP_OFFSET_MASK;
  }
}
