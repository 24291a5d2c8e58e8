package io.mmsim.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of an allocator's counters, in the order the allocator lists them.
 *
 * @param counters counter name to value; copied, unmodifiable, iteration order preserved
 */
public record Statistics(Map<String, Long> counters) {

  /** Copies the counters. */
  public Statistics {
    counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
  }

  /** The value of {@code name}, or 0 when the allocator does not keep it. */
  public long get(String name) {
    Long v = counters.get(name);
    return v == null ? 0 : v;
  }

  /** A builder that keeps insertion order. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects counters in order. */
  public static final class Builder {
    private final Map<String, Long> counters = new LinkedHashMap<>();

    private Builder() {}

    /** Adds (or replaces) a counter. */
    public Builder put(String name, long value) {
      counters.put(name, value);
      return this;
    }

    /** The snapshot. */
    public Statistics build() {
      return new Statistics(counters);
    }
  }
}
