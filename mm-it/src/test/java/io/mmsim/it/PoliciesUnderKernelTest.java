package io.mmsim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.paging.Access;
import io.mmsim.api.reclaim.FutureReferences;
import io.mmsim.api.reclaim.PolicyContext;
import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.reclaim.ReferenceString;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.Settings;
import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.mm.Processes;
import io.mmsim.kernel.mm.Task;
import io.mmsim.kernel.stat.VmEvent;

/**
 * Every replacement policy the kernel discovers works in the three places a policy runs: per
 * process under {@code rss.limit} (its faults equal the misses of the policy-only simulation of the
 * same pages), as the global reclaim policy (pages written come back byte for byte through swap),
 * and in the policy-only path itself.
 */
final class PoliciesUnderKernelTest {
  private static final int PAGES = 300;
  private static final int LIMIT = 24;
  private static final long SEED = 42;

  /** A string with locality: a drifting working set, sometimes a page anywhere. */
  private static long[] references(int length) {
    SplittableRandom r = new SplittableRandom(SEED);
    long[] refs = new long[length];
    int base = 0;
    for (int i = 0; i < length; i++) {
      if (r.nextInt(40) == 0) {
        base = r.nextInt(PAGES);
      }
      refs[i] = r.nextInt(5) == 0 ? r.nextInt(PAGES) : (base + r.nextInt(12)) % PAGES;
    }
    return refs;
  }

  private static ReplacementPolicyProvider provider(String name) {
    for (Map.Entry<String, List<Provider>> e : Kernel.discoverProviders().entrySet()) {
      for (Provider p : e.getValue()) {
        if (p instanceof ReplacementPolicyProvider rp && p.name().equals(name)) {
          return rp;
        }
      }
    }
    throw new AssertionError("no replacement policy named " + name);
  }

  /** The policy-only count: a policy from the same provider, its defaults, the kernel's seed. */
  private static long simulated(String name, long[] pages, long seed) {
    return simulated(name, pages, seed, Map.of());
  }

  /** The policy-only count with {@code overrides} (short keys) over the provider's defaults. */
  private static long simulated(
      String name, long[] pages, long seed, Map<String, String> overrides) {
    ReplacementPolicyProvider p = provider(name);
    ReferenceString refs = ReferenceString.of(pages);
    Map<String, String> values = new java.util.TreeMap<>(p.defaultSettings());
    values.putAll(overrides);
    Settings settings = new Settings(p.name(), values);
    ReplacementPolicy policy =
        p.create(
            new PolicyContext() {
              @Override
              public FutureReferences future() {
                return refs;
              }

              @Override
              public MemoryLayout layout() {
                return new MemoryLayout(16384, 1);
              }

              @Override
              public Settings settings() {
                return settings;
              }

              @Override
              public String loggerName() {
                return "io.mmsim.it";
              }

              @Override
              public long seed() {
                return seed;
              }
            });
    return PolicySimulator.misses(policy, refs, LIMIT);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "fifo",
        "lru",
        "opt",
        "arc",
        "2q",
        "lirs",
        "clock-pro",
        "s3fifo",
        "sieve",
        "lfu",
        "mru"
      })
  void rssLimit_referenceString_faultsEqualThePolicyOnlyMisses(String name) {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("swap.memory", "16M")
            .set("vm.zero-page", "false")
            .set("rss.limit", Integer.toString(LIMIT))
            .set("reclaim.policy", name)
            .boot();
    long[] pages = references(4000);
    Processes ps = k.processes();
    LateFuture late = new LateFuture();
    Task t = ps.spawn(1, late);
    long base = ps.mmap(1, (long) PAGES << 12, Prot.READ | Prot.WRITE, null, 0, false, -1, false);
    // the kernel's keys are virtual page numbers: the same string shifted by the area's start
    long[] keys = new long[pages.length];
    for (int i = 0; i < pages.length; i++) {
      keys[i] = (base >>> 12) + pages[i];
    }
    ReferenceString future = ReferenceString.of(keys);
    late.string = future;
    for (int i = 0; i < pages.length; i++) {
      future.seek(i);
      assertThat(ps.touch(t, 0, base + (pages[i] << 12), Access.READ)).isTrue();
    }
    assertThat(k.events().get(VmEvent.PGFAULT))
        .as("%s: page faults under rss.limit=%d", name, LIMIT)
        .isEqualTo(simulated(name, keys, 0));
  }

  /*
   * LIRS under rss.limit with both variants: the faults equal the policy-only misses, the paper
   * variant never holds more than the limit, and the libcachesim variant (LIRS.c) holds a page or
   * more beyond it at times, as the policy's overCapacity allows; the process's pages and its
   * policy agree throughout.
   */
  @ParameterizedTest
  @ValueSource(strings = {"libcachesim", "paper"})
  void rssLimit_lirsVariants_faultsEqualThePolicyOnlyMissesAndTheLimitHoldsAsAllowed(
      String variant) {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("swap.memory", "16M")
            .set("vm.zero-page", "false")
            .set("rss.limit", Integer.toString(LIMIT))
            .set("reclaim.policy", "lirs")
            .set("lirs.variant", variant)
            .boot();
    long[] pages = references(4000);
    Processes ps = k.processes();
    Task t = ps.spawn(1);
    long base = ps.mmap(1, (long) PAGES << 12, Prot.READ | Prot.WRITE, null, 0, false, -1, false);
    long[] keys = new long[pages.length];
    long most = 0;
    for (int i = 0; i < pages.length; i++) {
      keys[i] = (base >>> 12) + pages[i];
      assertThat(ps.touch(t, 0, base + (pages[i] << 12), Access.READ)).isTrue();
      most = Math.max(most, t.rss());
      if (i % 500 == 0) {
        ps.checkInvariants();
      }
    }
    ps.checkInvariants();
    assertThat(k.events().get(VmEvent.PGFAULT))
        .as("lirs.variant=%s: page faults under rss.limit=%d", variant, LIMIT)
        .isEqualTo(simulated("lirs", keys, 0, Map.of("variant", variant)));
    if (variant.equals("paper")) {
      assertThat(most).isEqualTo(LIMIT);
    } else {
      assertThat(most).isGreaterThan(LIMIT);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "linux",
        "mglru",
        "fifo",
        "lru",
        "clock",
        "arc",
        "2q",
        "lirs",
        "clock-pro",
        "s3fifo",
        "sieve",
        "lfu",
        "mru",
        "random"
      })
  void globalPolicy_memoryOvercommitted_pagesComeBackIntact(String name) {
    Kernel k =
        Kernel.builder()
            .set("memory.size", "40M")
            .set("swap.memory", "64M")
            .set("reclaim.policy", name)
            .boot();
    Processes ps = k.processes();
    ps.spawn(1);
    int pages = 10000; // about 39 MiB: more than the 24 MiB left after the kernel image
    long base = ps.mmap(1, (long) pages << 12, Prot.READ | Prot.WRITE, null, 0, false, -1, false);
    for (int i = 0; i < pages; i++) {
      assertThat(ps.write(1, 0, base + ((long) i << 12), stamp(i))).as("write %d", i).isTrue();
    }
    for (int pass = 0; pass < 2; pass++) {
      for (int i = pass; i < pages; i += 7) {
        assertThat(ps.read(1, 0, base + ((long) i << 12), 8)).as("page %d", i).isEqualTo(stamp(i));
      }
    }
    assertThat(k.parts()).containsEntry("reclaim.policy", name);
    assertThat(vmstat(k, "pswpout")).as("%s reclaimed through swap", name).isPositive();
    k.swap().checkInvariants();
  }

  /** The future of a process whose pages are known only once its area is mapped (for OPT). */
  private static final class LateFuture implements FutureReferences {
    ReferenceString string;

    @Override
    public long length() {
      return string.length();
    }

    @Override
    public long position() {
      return string.position();
    }

    @Override
    public long pageAt(long index) {
      return string.pageAt(index);
    }

    @Override
    public long nextUse(long index) {
      return string.nextUse(index);
    }
  }

  private static byte[] stamp(int i) {
    return new byte[] {
      (byte) i, (byte) (i >>> 8), (byte) 0xA5, 1, 2, 3, (byte) (i * 7), (byte) (i >>> 3)
    };
  }

  private static long vmstat(Kernel k, String counter) {
    for (String line : k.proc("vmstat").split("\n")) {
      String[] f = line.split(" ");
      if (f[0].equals(counter)) {
        return Long.parseLong(f[1]);
      }
    }
    throw new AssertionError("vmstat has no " + counter);
  }
}
