package io.mmsim.swap;

import java.util.List;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.reclaim.FutureReferences;
import io.mmsim.api.reclaim.PolicyContext;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.Settings;
import io.mmsim.swap.policy.ClockPolicyProvider;
import io.mmsim.swap.policy.FifoPolicyProvider;
import io.mmsim.swap.policy.LinuxPolicyProvider;
import io.mmsim.swap.policy.LruPolicyProvider;
import io.mmsim.swap.policy.MglruPolicyProvider;
import io.mmsim.swap.policy.OptPolicyProvider;

/** Builds policies through their providers, as the kernel does. */
final class Policies {
  private Policies() {}

  static final List<String> NAMES = List.of("linux", "mglru", "fifo", "lru", "clock");

  private record Ctx(FutureReferences future, Settings settings) implements PolicyContext {
    @Override
    public MemoryLayout layout() {
      return new MemoryLayout(256, 1);
    }

    @Override
    public String loggerName() {
      return "io.mmsim.swap.test";
    }

    @Override
    public long seed() {
      return 7;
    }
  }

  static ReplacementPolicy create(String name, FutureReferences future) {
    ReplacementPolicyProvider p =
        switch (name) {
          case "linux" -> new LinuxPolicyProvider();
          case "fifo" -> new FifoPolicyProvider();
          case "lru" -> new LruPolicyProvider();
          case "clock" -> new ClockPolicyProvider();
          case "opt" -> new OptPolicyProvider();
          case "mglru" -> new MglruPolicyProvider();
          default -> throw new IllegalArgumentException(name);
        };
    return p.create(new Ctx(future, new Settings(p.name(), p.defaultSettings())));
  }

  /** The multi-gen LRU with {@code mglru.min-ttl-ms} set. */
  static ReplacementPolicy mglru(long minTtlMs) {
    ReplacementPolicyProvider p = new MglruPolicyProvider();
    java.util.Map<String, String> s = new java.util.HashMap<>(p.defaultSettings());
    s.put("min-ttl-ms", Long.toString(minTtlMs));
    return p.create(new Ctx(null, new Settings(p.name(), s)));
  }

  static ReplacementPolicy create(String name) {
    return create(name, null);
  }
}
