package io.mmsim.api.paging;

/**
 * Bits of the x86-64 control registers and of the EFER model-specific register that paging depends
 * on ({@code arch/x86/include/uapi/asm/processor-flags.h}, {@code msr-index.h}).
 *
 * <pre>
 *  CR0:   31 PG | 30 CD | 29 NW | 18 AM | 16 WP | 5 NE | 4 ET | 3 TS | 2 EM | 1 MP | 0 PE
 *  CR4:   22 PKE | 21 SMAP | 20 SMEP | 17 PCIDE | 12 LA57 | 7 PGE | 5 PAE | 4 PSE
 *  EFER:  11 NXE | 10 LMA | 8 LME | 0 SCE
 * </pre>
 *
 * <p>A simulated CPU in long mode always has CR0.PE, CR0.PG, CR4.PAE, EFER.LME and EFER.LMA set;
 * what a configuration may change is CR0.WP ({@code x86_64.wp}), EFER.NXE ({@code x86_64.nx}) and
 * CR4.LA57 ({@code x86_64.levels=5}).
 */
public final class ControlRegisters {
  private ControlRegisters() {}

  /** CR0.PE: protected mode. */
  public static final long CR0_PE = 1L;

  /** CR0.MP: monitor coprocessor. */
  public static final long CR0_MP = 1L << 1;

  /** CR0.ET: extension type (always 1). */
  public static final long CR0_ET = 1L << 4;

  /** CR0.NE: native FPU error reporting. */
  public static final long CR0_NE = 1L << 5;

  /** CR0.WP: supervisor-mode writes honour read-only pages. Linux always sets it. */
  public static final long CR0_WP = 1L << 16;

  /** CR0.AM: alignment checking allowed. */
  public static final long CR0_AM = 1L << 18;

  /** CR0.PG: paging enabled. */
  public static final long CR0_PG = 1L << 31;

  /** CR4.PSE: large pages (implied by PAE). */
  public static final long CR4_PSE = 1L << 4;

  /** CR4.PAE: 64-bit paging-structure entries (required for long mode). */
  public static final long CR4_PAE = 1L << 5;

  /** CR4.PGE: global pages survive a CR3 load. */
  public static final long CR4_PGE = 1L << 7;

  /** CR4.LA57: five-level paging, 57-bit linear addresses. */
  public static final long CR4_LA57 = 1L << 12;

  /** CR4.PCIDE: process-context identifiers (not modelled). */
  public static final long CR4_PCIDE = 1L << 17;

  /** CR4.SMEP: supervisor-mode execution prevention (not modelled). */
  public static final long CR4_SMEP = 1L << 20;

  /** CR4.SMAP: supervisor-mode access prevention (not modelled). */
  public static final long CR4_SMAP = 1L << 21;

  /** EFER.SCE: SYSCALL enabled. */
  public static final long EFER_SCE = 1L;

  /** EFER.LME: long mode enabled. */
  public static final long EFER_LME = 1L << 8;

  /** EFER.LMA: long mode active. */
  public static final long EFER_LMA = 1L << 10;

  /** EFER.NXE: the XD (NX) bit of paging entries is honoured; when clear, it is reserved. */
  public static final long EFER_NXE = 1L << 11;

  /** The MSR number of EFER. */
  public static final int MSR_EFER = 0xc0000080;
}
