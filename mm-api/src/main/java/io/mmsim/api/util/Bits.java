package io.mmsim.api.util;

/**
 * Bit arithmetic shared by every module: alignment, powers of two and logarithms.
 *
 * <p>Every method is a pure function on {@code long} or {@code int} and safe on hot paths. Methods
 * that need a power of two say so; they do not check it.
 */
public final class Bits {
  private Bits() {}

  /** True when {@code v} is a positive power of two. */
  public static boolean isPowerOfTwo(long v) {
    return v > 0 && (v & (v - 1)) == 0;
  }

  /** Rounds {@code v} up to a multiple of {@code alignment}, which must be a power of two. */
  public static long alignUp(long v, long alignment) {
    return (v + alignment - 1) & -alignment;
  }

  /** Rounds {@code v} down to a multiple of {@code alignment}, which must be a power of two. */
  public static long alignDown(long v, long alignment) {
    return v & -alignment;
  }

  /** True when {@code v} is a multiple of {@code alignment}, which must be a power of two. */
  public static boolean isAligned(long v, long alignment) {
    return (v & (alignment - 1)) == 0;
  }

  /** Floor of log2 of a positive value ({@code ilog2} in the kernel). */
  public static int log2(long v) {
    return 63 - Long.numberOfLeadingZeros(v);
  }

  /** Ceiling of log2 of a positive value. */
  public static int log2Ceil(long v) {
    return v <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(v - 1);
  }

  /** Position of the highest set bit counted from 1, 0 for 0 (the kernel's {@code fls}). */
  public static int fls(long v) {
    return 64 - Long.numberOfLeadingZeros(v);
  }

  /** The largest power of two not above a positive {@code v} ({@code rounddown_pow_of_two}). */
  public static long roundDownPowerOfTwo(long v) {
    return Long.highestOneBit(v);
  }

  /** The smallest power of two not below a positive {@code v} ({@code roundup_pow_of_two}). */
  public static long roundUpPowerOfTwo(long v) {
    return v <= 1 ? 1 : Long.highestOneBit(v - 1) << 1;
  }

  /** Integer square root, the largest {@code r} with {@code r * r <= v} ({@code int_sqrt}). */
  public static long intSqrt(long v) {
    if (v < 0) {
      throw new IllegalArgumentException("intSqrt of negative " + v);
    }
    long r = (long) Math.sqrt((double) v);
    while (r * r > v) {
      r--;
    }
    while ((r + 1) * (r + 1) <= v) {
      r++;
    }
    return r;
  }
}
