package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mmsim.api.swap.ReclaimMode;

/**
 * Seeded random workloads over-committing RAM about 8x: writes of page patterns, reads that check
 * every byte, fork, exit, munmap, kswapd and explicit reclaim, for every global policy and with
 * per-process resident limits; the MiniKernel's invariants (slot counts = swap PTEs, frame
 * references = mappings + swap cache, no leak) after every step, and a clean machine at the end. A
 * failure names the seed and step; {@code -Dmmsim.test.seed=N} replays it.
 */
final class SwapRandomTest {
  private static final long SEED = Long.getLong("mmsim.test.seed", 424242L);
  private static final int RUNS = Integer.getInteger("mmsim.test.runs", 4);
  private static final int FRAMES = 40;
  private static final int PAGES_PER_PROC = 80;

  private record Key(int pid, long vpn) {}

  private static void run(String policy, long seed, boolean limits) {
    run(policy, seed, limits, Map.of());
  }

  private static void run(String policy, long seed, boolean limits, Map<String, String> extra) {
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, String> swap = new HashMap<>(Map.of("memory", "2M"));
    swap.putAll(extra);
    MiniKernel k = new MiniKernel(FRAMES, Policies.create(policy), swap);
    k.policyFactory = () -> Policies.create(policy);
    Map<Key, Long> model = new HashMap<>();
    List<Integer> pids = new ArrayList<>();
    int nextPid = 1;
    for (int i = 0; i < 3; i++) {
      k.spawn(nextPid, limits ? Policies.create(policy) : null, limits ? 6 + r.nextInt(6) : 0);
      pids.add(nextPid++);
    }
    int checked = 0;
    for (int step = 0; step < 700; step++) {
      String where = policy + (limits ? " with limits" : "") + ", seed " + seed + ", step " + step;
      int op = r.nextInt(100);
      int pid = pids.get(r.nextInt(pids.size()));
      long vpn = r.nextInt(PAGES_PER_PROC);
      Key key = new Key(pid, vpn);
      if (op < 40) {
        long pattern = r.nextLong() | 1;
        if (k.writePattern(pid, vpn, pattern)) {
          model.put(key, pattern);
        }
      } else if (op < 75) {
        Long want = model.get(key);
        long before = k.oomOutcomes + k.sigbus;
        boolean ok = k.hasPattern(pid, vpn, want == null ? 0 : want);
        if (k.oomOutcomes + k.sigbus == before) {
          assertThat(ok).as(where + ": pid " + pid + " vpn " + vpn).isTrue();
          model.putIfAbsent(key, 0L);
          checked++;
        }
      } else if (op < 80 && pids.size() < 6) {
        int child = nextPid++;
        k.fork(pid, child);
        pids.add(child);
        for (Map.Entry<Key, Long> e : new ArrayList<>(model.entrySet())) {
          if (e.getKey().pid() == pid) {
            model.put(new Key(child, e.getKey().vpn()), e.getValue());
          }
        }
      } else if (op < 84 && pids.size() > 1) {
        k.exit(pid);
        pids.remove(Integer.valueOf(pid));
        model.keySet().removeIf(x -> x.pid() == pid);
      } else if (op < 90) {
        k.unmap(pid, vpn);
        model.remove(key);
      } else if (op < 95) {
        k.watermarks(4 + r.nextInt(6), 10 + r.nextInt(10));
        k.swap.kswapd(k.global, k.globalRc);
      } else {
        k.swap.shrink(
            k.global,
            k.globalRc,
            1 + r.nextInt(16),
            r.nextBoolean() ? ReclaimMode.KSWAPD : ReclaimMode.DIRECT);
      }
      try {
        k.checkInvariants();
      } catch (AssertionError e) {
        throw new AssertionError(where + ": " + e.getMessage(), e);
      }
    }
    // every page still readable with its last contents
    for (Map.Entry<Key, Long> e : model.entrySet()) {
      long before = k.oomOutcomes + k.sigbus;
      boolean ok = k.hasPattern(e.getKey().pid(), e.getKey().vpn(), e.getValue());
      if (k.oomOutcomes + k.sigbus == before) {
        assertThat(ok).as(policy + " seed " + seed + " final " + e.getKey()).isTrue();
      }
    }
    assertThat(checked).isPositive();
    if (!extra.isEmpty()) {
      assertThat(k.swap.statistics().get("swap_write_errors")).as("errors injected").isPositive();
    }
    assertThat(k.swap.statistics().get("pswpout")).as("the workload swapped").isPositive();
    for (int pid : pids) {
      k.exit(pid);
    }
    k.checkInvariants();
    assertThat(k.swap.freeSwapPages()).isEqualTo(k.swap.totalSwapPages());
    assertThat(k.swap.swapCachePages()).isZero();
    assertThat(k.freeFrames()).isEqualTo(FRAMES - 1);
  }

  @Test
  void overcommittedWorkload_everyGlobalPolicy_keepsDataAndCounts() {
    for (String policy : Policies.NAMES) {
      for (int run = 0; run < RUNS; run++) {
        run(policy, SEED + run, false);
      }
    }
  }

  @Test
  void overcommittedWorkload_perProcessResidentLimits_keepsDataAndCounts() {
    for (String policy : Policies.NAMES) {
      for (int run = 0; run < RUNS; run++) {
        run(policy, SEED + 100 + run, true);
      }
    }
  }

  @Test
  void overcommittedWorkload_injectedReadAndWriteErrors_neverReturnsWrongData() {
    Map<String, String> faults =
        Map.of(
            "fail-read.probability",
            "10",
            "fail-read.times",
            "-1",
            "fail-write.probability",
            "20",
            "fail-write.times",
            "-1");
    for (String policy : Policies.NAMES) {
      for (int run = 0; run < RUNS; run++) {
        run(policy, SEED + 200 + run, run % 2 == 1, faults);
      }
    }
  }
}
