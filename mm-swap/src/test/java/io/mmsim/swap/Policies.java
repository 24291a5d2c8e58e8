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
import io.mmsim.swap.policy.OptPolicyProvider;

/** Builds policies through their providers, as the kernel does. */
final class Policies {
  private Policies() {}

  static final List<String> NAMES = List.of("linux", "fifo", "lru", "clock");

  private record Ctx(FutureReferences future) implements PolicyContext {
    @Override
    public MemoryLayout layout() {
      return new MemoryLayout(256, 1);
    }

    @Override
    public Settings settings() {
      return Settings.empty("reclaim");
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
          default -> throw new IllegalArgumentException(name);
        };
    return p.create(new Ctx(future));
  }

  static ReplacementPolicy create(String name) {
    return create(name, null);
  }
}
