package io.mmsim.report.exercise;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.Settings;
import io.mmsim.kernel.Kernel;

/**
 * Page replacement: a reference string, a policy and a number of frames; the student gives each hit
 * or fault, the page replaced and the resident set after every reference. The solution drives the
 * named policy provider through {@link PolicySimulator}, whose faults are those the kernel counts
 * under {@code rss.limit}.
 */
final class PolicyTopic implements Topic {
  private static final List<String> POLICIES = List.of("fifo", "lru", "clock");

  @Override
  public String name() {
    return "policy";
  }

  @Override
  public String summary() {
    return "FIFO, LRU or CLOCK: faults and the resident set after each reference";
  }

  @Override
  public int defaultCount() {
    return 12;
  }

  @Override
  public void write(Text t, Rng rng, int n) {
    String policyName = rng.pick(POLICIES);
    int frames = rng.between(3, 4);
    int pages = frames + rng.between(1, 2);
    long[] refs = new long[n];
    for (int i = 0; i < n; i++) {
      // some locality: a third of the references repeat one of the last three
      refs[i] = i >= 3 && rng.chance(33) ? refs[i - 1 - rng.nextInt(3)] : 1 + rng.nextInt(pages);
    }
    t.q(
        "Page replacement with %s and %d frames, all empty at the start.",
        describe(policyName), frames);
    StringBuilder s = new StringBuilder();
    for (long r : refs) {
      s.append(s.length() == 0 ? "" : " ").append(r);
    }
    t.q("Reference string: %s", s);
    t.q("");
    t.q("For each reference: hit or fault, which page is replaced, and the resident pages after");
    t.q("it. How many faults in all?");

    ReplacementPolicy policy = create(policyName);
    PolicySimulator sim = new PolicySimulator(policy, frames);
    TreeSet<Long> resident = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      long page = refs[i];
      boolean miss = sim.reference(page);
      List<Long> gone = new ArrayList<>();
      for (long p : resident) {
        if (!policy.contains(p)) {
          gone.add(p);
        }
      }
      resident.removeAll(gone);
      resident.add(page);
      StringBuilder set = new StringBuilder("[");
      for (long p : resident) {
        set.append(set.length() == 1 ? "" : " ").append(p);
        if (policyName.equals("clock") && sim.young(p)) {
          set.append('*');
        }
      }
      set.append(']');
      String what;
      if (!miss) {
        what = "hit  ";
      } else if (gone.isEmpty()) {
        what = "fault, a free frame";
      } else {
        what = "fault, replaces " + gone.get(0);
      }
      t.a("  %2d. ref %d: %-22s resident %s", i + 1, page, what, set);
      if (miss && !gone.isEmpty()) {
        t.a("      why: %s", why(policyName, gone.get(0), refs, i));
      }
    }
    t.a("");
    t.a("  %d faults, %d hits in %d references.", sim.misses(), sim.hits(), n);
    if (policyName.equals("clock")) {
      t.a("  (* marks a page whose accessed bit is set.)");
    }
  }

  private static String describe(String policy) {
    return switch (policy) {
      case "fifo" -> "FIFO (the page resident longest goes)";
      case "lru" -> "LRU (the page used least recently goes)";
      default ->
          "CLOCK (the hand sweeps the frames in load order; a page with its accessed bit set"
              + " loses the bit and is passed over, the first without it goes; every reference"
              + " sets the bit)";
    };
  }

  /** A reason a student can check against the string: when the victim was loaded or last used. */
  private static String why(String policy, long victim, long[] refs, int now) {
    int lastUse = -1;
    for (int j = now - 1; j >= 0; j--) {
      if (refs[j] == victim) {
        lastUse = j;
        break;
      }
    }
    return switch (policy) {
      case "fifo" -> "page " + victim + " had been resident the longest";
      case "lru" ->
          "page " + victim + " was last used at reference " + (lastUse + 1) + ", the oldest use";
      default -> "the hand reached page " + victim + " with its accessed bit clear";
    };
  }

  static ReplacementPolicy create(String name) {
    for (Provider x : Kernel.discoverProviders().get("ReplacementPolicyProvider")) {
      if (x.name().equals(name)) {
        MemoryLayout layout = new MemoryLayout(1024, 1);
        return ((ReplacementPolicyProvider) x)
            .create(
                new ProviderContext() {
                  @Override
                  public MemoryLayout layout() {
                    return layout;
                  }

                  @Override
                  public Settings settings() {
                    return new Settings(name, Map.of());
                  }

                  @Override
                  public String loggerName() {
                    return "io.mmsim.report.exercise";
                  }

                  @Override
                  public long seed() {
                    return 0;
                  }
                });
      }
    }
    throw new IllegalStateException("the replacement policy '" + name + "' is not installed");
  }
}
