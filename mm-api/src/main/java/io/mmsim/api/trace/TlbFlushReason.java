package io.mmsim.api.trace;

/**
 * Why a TLB was flushed: the {@code reason} of {@link Tracer#tlbFlush}, the values of {@code enum
 * tlb_flush_reason} ({@code include/linux/mm_types.h}), named as {@code TLB_FLUSH_REASON} of {@code
 * include/trace/events/tlb.h} prints them.
 */
public final class TlbFlushReason {

  /** A flush on a switch to another address space. */
  public static final int TLB_FLUSH_ON_TASK_SWITCH = 0;

  /** A flush this CPU does for another CPU's request (an IPI received). */
  public static final int TLB_REMOTE_SHOOTDOWN = 1;

  /** A flush of a range on this CPU. */
  public static final int TLB_LOCAL_SHOOTDOWN = 2;

  /** A flush of a whole address space on this CPU. */
  public static final int TLB_LOCAL_MM_SHOOTDOWN = 3;

  /** This CPU asks others to flush. */
  public static final int TLB_REMOTE_SEND_IPI = 4;

  private TlbFlushReason() {}

  /** The reason as {@code tlb:tlb_flush} prints it, or its number when it is none of these. */
  static String name(int reason) {
    return switch (reason) {
      case TLB_FLUSH_ON_TASK_SWITCH -> "flush on task switch";
      case TLB_REMOTE_SHOOTDOWN -> "remote shootdown";
      case TLB_LOCAL_SHOOTDOWN -> "local shootdown";
      case TLB_LOCAL_MM_SHOOTDOWN -> "local mm shootdown";
      case TLB_REMOTE_SEND_IPI -> "remote ipi send";
      default -> Integer.toString(reason);
    };
  }
}
