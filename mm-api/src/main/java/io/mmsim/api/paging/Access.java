package io.mmsim.api.paging;

/** The kinds of memory access the MMU checks, as plain {@code int}s for hot paths. */
public final class Access {
  private Access() {}

  /** A data read. */
  public static final int READ = 0;

  /** A data write. */
  public static final int WRITE = 1;

  /** An instruction fetch. */
  public static final int EXECUTE = 2;

  /** The name used in reports: {@code read}, {@code write}, {@code instruction fetch}. */
  public static String name(int access) {
    return switch (access) {
      case READ -> "read";
      case WRITE -> "write";
      case EXECUTE -> "instruction fetch";
      default -> throw new IllegalArgumentException("no such access kind: " + access);
    };
  }
}
