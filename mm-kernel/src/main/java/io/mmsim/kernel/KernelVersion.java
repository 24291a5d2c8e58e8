package io.mmsim.kernel;

/** The simulator's version string as the kernel facade reports it. */
public final class KernelVersion {
  private KernelVersion() {}

  /** The mmsim version. */
  public static final String VERSION = "0.1.0";
}
