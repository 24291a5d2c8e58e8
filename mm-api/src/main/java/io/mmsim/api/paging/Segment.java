package io.mmsim.api.paging;

/**
 * x86 segmentation, the logical-to-linear step: segment registers, selectors, Linux's GDT layout
 * and the 8-byte segment descriptor format.
 *
 * <h2>Selectors</h2>
 *
 * <pre>
 *   15 ............ 3   2    1..0
 *  +------------------+----+------+
 *  |   GDT index      | TI | RPL  |     TI = 0: GDT (the only table modelled)
 *  +------------------+----+------+
 * </pre>
 *
 * <h2>Descriptors</h2>
 *
 * <pre>
 *  63     56 55 54 53 52  51    48 47 46 45 44 43  40 39         16 15          0
 * +---------+--+--+--+---+--------+--+-----+--+------+-------------+-------------+
 * |base31:24|G |DB|L |AVL|lim19:16|P | DPL |S | type | base 23:0   | limit 15:0  |
 * +---------+--+--+--+---+--------+--+-----+--+------+-------------+-------------+
 *  type (S = 1): bit 3 code; code: bit 2 conforming, bit 1 readable;
 *                data: bit 2 expand-down, bit 1 writable; bit 0 accessed.
 * </pre>
 *
 * <p>Linux's descriptors are built from a 16-bit "flags" word ({@code GDT_ENTRY_INIT(flags, base,
 * limit)}): bits 0..7 are the access byte (type, S, DPL, P) and bits 12..15 the AVL, L, DB and G
 * nibble. All of Linux's segments are flat: base 0, limit 0xfffff in 4 KiB units.
 *
 * <h2>What applies in long mode</h2>
 *
 * In 64-bit mode (a code segment with L = 1 in CS) the CPU ignores the base and limit of CS, DS, ES
 * and SS; only FS and GS have a base (from the FS_BASE / GS_BASE MSRs). A process running in
 * compatibility mode (CS = {@link #USER32_CS}) uses 32-bit offsets and every base and limit
 * applies, so a non-flat {@code __USER_DS} makes logical and linear addresses differ and an offset
 * past the limit raises #GP. Source: {@code arch/x86/include/asm/segment.h}, {@code
 * arch/x86/kernel/cpu/common.c} ({@code gdt_page}), Intel SDM vol. 3 ch. 3 and 5.
 */
public final class Segment {
  private Segment() {}

  // ---------------------------------------------------------------- segment registers

  /** Segment register ES (hardware encoding 0). */
  public static final int ES = 0;

  /** Segment register CS. */
  public static final int CS = 1;

  /** Segment register SS. */
  public static final int SS = 2;

  /** Segment register DS. */
  public static final int DS = 3;

  /** Segment register FS (per-thread base in 64-bit mode). */
  public static final int FS = 4;

  /** Segment register GS (per-CPU base in the kernel). */
  public static final int GS = 5;

  /** Number of segment registers. */
  public static final int REGISTERS = 6;

  /** The assembler name of a segment register: {@code es}, {@code cs}, ... */
  public static String registerName(int sreg) {
    return switch (sreg) {
      case ES -> "es";
      case CS -> "cs";
      case SS -> "ss";
      case DS -> "ds";
      case FS -> "fs";
      case GS -> "gs";
      default -> throw new IllegalArgumentException("no such segment register: " + sreg);
    };
  }

  // ---------------------------------------------------------------- Linux's GDT

  /** Entries in Linux's x86-64 GDT ({@code GDT_ENTRIES}). */
  public static final int GDT_ENTRIES = 16;

  /** GDT slot of the 32-bit kernel code segment. */
  public static final int GDT_ENTRY_KERNEL32_CS = 1;

  /** GDT slot of the 64-bit kernel code segment. */
  public static final int GDT_ENTRY_KERNEL_CS = 2;

  /** GDT slot of the kernel data segment. */
  public static final int GDT_ENTRY_KERNEL_DS = 3;

  /** GDT slot of the 32-bit (compatibility mode) user code segment. */
  public static final int GDT_ENTRY_DEFAULT_USER32_CS = 4;

  /** GDT slot of the user data segment. */
  public static final int GDT_ENTRY_DEFAULT_USER_DS = 5;

  /** GDT slot of the 64-bit user code segment. */
  public static final int GDT_ENTRY_DEFAULT_USER_CS = 6;

  /** GDT slot of the TSS descriptor (two slots; not modelled, reads as not present). */
  public static final int GDT_ENTRY_TSS = 8;

  /** GDT slot of the LDT descriptor (two slots; not modelled). */
  public static final int GDT_ENTRY_LDT = 10;

  /** First of the three TLS slots (not modelled). */
  public static final int GDT_ENTRY_TLS_MIN = 12;

  /** GDT slot of the CPU/node number segment (not modelled). */
  public static final int GDT_ENTRY_CPUNODE = 15;

  /** {@code __KERNEL32_CS}. */
  public static final int KERNEL32_CS = GDT_ENTRY_KERNEL32_CS * 8;

  /** {@code __KERNEL_CS} = 0x10. */
  public static final int KERNEL_CS = GDT_ENTRY_KERNEL_CS * 8;

  /** {@code __KERNEL_DS} = 0x18. */
  public static final int KERNEL_DS = GDT_ENTRY_KERNEL_DS * 8;

  /** {@code __USER32_CS} = 0x23. */
  public static final int USER32_CS = GDT_ENTRY_DEFAULT_USER32_CS * 8 + 3;

  /** {@code __USER_DS} = 0x2b. */
  public static final int USER_DS = GDT_ENTRY_DEFAULT_USER_DS * 8 + 3;

  /** {@code __USER_CS} = 0x33. */
  public static final int USER_CS = GDT_ENTRY_DEFAULT_USER_CS * 8 + 3;

  /** Linux's flags word of {@code __KERNEL32_CS}: 32-bit code, DPL 0, page granular. */
  public static final int FLAGS_KERNEL32_CS = 0xc09b;

  /** Linux's flags word of {@code __KERNEL_CS}: 64-bit code (L = 1), DPL 0. */
  public static final int FLAGS_KERNEL_CS = 0xa09b;

  /** Linux's flags word of {@code __KERNEL_DS}: writable data, DPL 0. */
  public static final int FLAGS_KERNEL_DS = 0xc093;

  /** Linux's flags word of {@code __USER32_CS}: 32-bit code, DPL 3. */
  public static final int FLAGS_USER32_CS = 0xc0fb;

  /** Linux's flags word of {@code __USER_DS}: writable data, DPL 3. */
  public static final int FLAGS_USER_DS = 0xc0f3;

  /** Linux's flags word of {@code __USER_CS}: 64-bit code, DPL 3. */
  public static final int FLAGS_USER_CS = 0xa0fb;

  /** The largest value of the 20-bit limit field. */
  public static final long MAX_RAW_LIMIT = 0xfffff;

  // ---------------------------------------------------------------- selectors

  /** The selector of GDT slot {@code index} with requested privilege {@code rpl}. */
  public static int selector(int index, int rpl) {
    return index << 3 | (rpl & 3);
  }

  /** The table index of a selector. */
  public static int index(int selector) {
    return (selector & 0xffff) >>> 3;
  }

  /** The requested privilege level (bits 1..0) of a selector. */
  public static int rpl(int selector) {
    return selector & 3;
  }

  /** True when the selector names the LDT (TI = 1), which mmsim does not model. */
  public static boolean ldt(int selector) {
    return (selector & 4) != 0;
  }

  /** True for a null selector (index 0 of the GDT). */
  public static boolean isNull(int selector) {
    return (selector & 0xfffc) == 0;
  }

  // ---------------------------------------------------------------- descriptors

  private static final int TYPE_SHIFT = 40;
  private static final long TYPE_ACCESSED = 1L << TYPE_SHIFT;
  private static final long TYPE_RW = 1L << (TYPE_SHIFT + 1);
  private static final long TYPE_DC = 1L << (TYPE_SHIFT + 2);
  private static final long TYPE_CODE = 1L << (TYPE_SHIFT + 3);
  private static final long DESC_S = 1L << 44;
  private static final int DPL_SHIFT = 45;
  private static final long DESC_P = 1L << 47;
  private static final long DESC_L = 1L << 53;
  private static final long DESC_DB = 1L << 54;
  private static final long DESC_G = 1L << 55;

  /**
   * Encodes a descriptor the way Linux's {@code GDT_ENTRY_INIT(flags, base, limit)} does.
   *
   * @param flags access byte in bits 0..7, AVL/L/DB/G in bits 12..15 (e.g. {@link #FLAGS_USER_DS})
   * @param base 32-bit segment base
   * @param rawLimit 20-bit limit, in bytes or 4 KiB units depending on G
   */
  public static long descriptor(int flags, long base, long rawLimit) {
    if (base < 0 || base > 0xffffffffL) {
      throw new IllegalArgumentException(
          String.format("segment base 0x%x needs more than 32 bits", base));
    }
    if (rawLimit < 0 || rawLimit > MAX_RAW_LIMIT) {
      throw new IllegalArgumentException(
          String.format("segment limit 0x%x needs more than 20" + " bits", rawLimit));
    }
    return (rawLimit & 0xffff)
        | (base & 0xffffff) << 16
        | (long) (flags & 0xff) << TYPE_SHIFT
        | (rawLimit >>> 16 & 0xf) << 48
        | (long) (flags >>> 12 & 0xf) << 52
        | (base >>> 24 & 0xff) << 56;
  }

  /** The 32-bit base of a descriptor. */
  public static long base(long desc) {
    return (desc >>> 16 & 0xffffff) | (desc >>> 56 & 0xff) << 24;
  }

  /** The raw 20-bit limit field. */
  public static long rawLimit(long desc) {
    return (desc & 0xffff) | (desc >>> 48 & 0xf) << 16;
  }

  /** The limit in bytes (the last valid offset): scaled by 4 KiB when G is set. */
  public static long limit(long desc) {
    long raw = rawLimit(desc);
    return granular(desc) ? raw << 12 | 0xfff : raw;
  }

  /** P: the descriptor is valid. */
  public static boolean present(long desc) {
    return (desc & DESC_P) != 0;
  }

  /** The descriptor privilege level. */
  public static int dpl(long desc) {
    return (int) (desc >>> DPL_SHIFT) & 3;
  }

  /** S: a code or data segment (not a system descriptor such as a TSS). */
  public static boolean codeOrData(long desc) {
    return (desc & DESC_S) != 0;
  }

  /** True for a code segment. */
  public static boolean code(long desc) {
    return codeOrData(desc) && (desc & TYPE_CODE) != 0;
  }

  /** True for a code segment that may also be read. */
  public static boolean readable(long desc) {
    return !code(desc) || (desc & TYPE_RW) != 0;
  }

  /** True for a data segment that may be written. */
  public static boolean writable(long desc) {
    return codeOrData(desc) && (desc & TYPE_CODE) == 0 && (desc & TYPE_RW) != 0;
  }

  /** True for an expand-down data segment (valid offsets lie above the limit). */
  public static boolean expandDown(long desc) {
    return codeOrData(desc) && (desc & TYPE_CODE) == 0 && (desc & TYPE_DC) != 0;
  }

  /** True for a conforming code segment. */
  public static boolean conforming(long desc) {
    return code(desc) && (desc & TYPE_DC) != 0;
  }

  /** L: a 64-bit code segment. */
  public static boolean longMode(long desc) {
    return code(desc) && (desc & DESC_L) != 0;
  }

  /** D/B: 32-bit default operand size (code) or upper bound 4 GiB (expand-down data). */
  public static boolean big(long desc) {
    return (desc & DESC_DB) != 0;
  }

  /** G: the limit counts 4 KiB units. */
  public static boolean granular(long desc) {
    return (desc & DESC_G) != 0;
  }

  /** A: set by the CPU when the descriptor is loaded into a segment register. */
  public static boolean accessed(long desc) {
    return (desc & TYPE_ACCESSED) != 0;
  }

  /** A descriptor with its accessed bit set. */
  public static long withAccessed(long desc) {
    return desc | TYPE_ACCESSED;
  }
}
