package io.mmsim.swap;

import java.util.SplittableRandom;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.spi.Settings;

/*
 * Fault injection for swap I/O, after the kernel's fault_attr (lib/fault-inject.c, should_fail;
 * Documentation/fault-injection/fault-injection.rst), as fail_page_alloc and failslab use it.
 *
 * Decision for each I/O, in the kernel's order:
 *   probability == 0            -> never fail
 *   times == 0                  -> never fail (times = -1: no limit)
 *   space > size                -> space -= size, do not fail (the first `space` bytes pass)
 *   interval > 1                -> count++, fail only when count % interval == 0
 *   probability <= rand % 100   -> do not fail
 *   otherwise fail, and times-- unless times == -1.
 * Defaults as the kernel's FAULT_ATTR_INITIALIZER: probability 0, interval 1, times 1, space 0.
 * The random numbers come from a SplittableRandom seeded from the kernel's seed, so a run is
 * reproducible.
 */
final class FaultAttr {
  private final String name;
  private final int probability;
  private final long interval;
  private long times;
  private long space;
  private long count;
  private long injected;
  private final SplittableRandom random;

  FaultAttr(String name, int probability, long interval, long times, long space, long seed) {
    this.name = name;
    this.probability = probability;
    this.interval = interval;
    this.times = times;
    this.space = space;
    this.random = new SplittableRandom(seed);
  }

  /** Reads {@code prefix.probability}, {@code .interval}, {@code .times}, {@code .space}. */
  static FaultAttr fromSettings(Settings s, String prefix, long seed) {
    int probability = s.getInt(prefix + ".probability", 0, 100);
    long interval = s.getLong(prefix + ".interval");
    if (interval < 1) {
      throw new ConfigurationException(
          s.fullKey(prefix + ".interval"),
          s.fullKey(prefix + ".interval") + ": " + interval + " is below 1");
    }
    long times = s.getLong(prefix + ".times");
    if (times < -1) {
      throw new ConfigurationException(
          s.fullKey(prefix + ".times"),
          s.fullKey(prefix + ".times") + ": " + times + " is below -1 (-1 means no limit)");
    }
    long space = s.getSize(prefix + ".space");
    return new FaultAttr(s.fullKey(prefix), probability, interval, times, space, seed);
  }

  /** Decides whether the next I/O of {@code size} bytes fails. */
  boolean shouldFail(long size) {
    if (probability == 0 || times == 0) {
      return false;
    }
    if (space > size) {
      space -= size;
      return false;
    }
    if (interval > 1) {
      count++;
      if (count % interval != 0) {
        return false;
      }
    }
    if (probability <= random.nextInt(100)) {
      return false;
    }
    if (times != -1) {
      times--;
    }
    injected++;
    return true;
  }

  /** Failures injected so far. */
  long injected() {
    return injected;
  }

  @Override
  public String toString() {
    return name
        + "[probability "
        + probability
        + ", interval "
        + interval
        + ", times "
        + times
        + ", space "
        + space
        + "]";
  }
}
