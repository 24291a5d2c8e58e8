package io.mmsim.api.spi;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.trace.Tracer;

/**
 * What the kernel hands every provider's {@code create}: the machine, the provider's own settings
 * and a logger name. SPIs that need more extend it.
 *
 * @since 1.0
 */
public interface ProviderContext {

  /** The physical layout and CPU count. */
  MemoryLayout layout();

  /** This provider's slice of the configuration. */
  Settings settings();

  /** The SLF4J logger name for this instance, e.g. {@code io.mmsim.buddy}. */
  String loggerName();

  /** The seed for anything random in this instance (the kernel derives it from its own). */
  long seed();

  /**
   * The kernel's tracer, to report events through (guard each with {@link Tracer#on()}). The
   * default is a tracer of this instance's own that nobody can listen to, for contexts built
   * outside a kernel (tests, tools).
   *
   * @since 1.2
   */
  default Tracer tracer() {
    return new Tracer();
  }
}
