package io.mmsim.policies;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.reclaim.PolicySimulator;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.Settings;

/**
 * Each policy's misses equal those of the authors' reference implementation in libCacheSim on the
 * seeded strings of {@link PageStrings} (Zipf of three exponents, a loop, Zipf with scans, phase
 * changes) at nine frame counts.
 *
 * <p>The expected counts are in {@code libcachesim-misses.csv}, written by {@code
 * src/test/libcachesim/make-table.sh}: it builds libCacheSim at commit {@code
 * aa0fc40914b2b786f4b9f4dafb099f8f332b216a} with cmake (Release), compiles the small C driver
 * {@code misses.c} next to it against the built libraries (each algorithm's {@code _init} with its
 * default parameters, one {@code get()} per reference with object size 1, a miss counted when
 * {@code get()} returns false), writes the strings with {@code PageStrings.main}, and runs the
 * driver on every string for the sizes 20, 24, 50, 64, 100, 128, 250, 400 and 1000. Names:
 * libCacheSim's {@code twoq} is {@code 2q}; {@code lirs} is the unmodified {@code LIRS.c}, which
 * {@code lirs} matches with its default {@code lirs.variant=libcachesim}; {@code lirs-fixed} is
 * {@code LIRS.c} with the demotion loop of {@code hit_RD_HIRinQ} removed, which {@code
 * lirs.variant=paper} matches (see {@code LirsPolicy}: the unmodified code holds more pages than
 * its cache size). No value in the table comes from this module.
 */
final class LibCacheSimParityTest {

  record Row(String string, int frames, String policy, long misses) {}

  static List<Row> table() throws IOException {
    List<Row> rows = new ArrayList<>();
    try (InputStream in =
            LibCacheSimParityTest.class.getResourceAsStream("libcachesim-misses.csv");
        BufferedReader r =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      String header = r.readLine();
      assertThat(header).isEqualTo("string,frames,policy,misses");
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.split(",");
        rows.add(new Row(f[0], Integer.parseInt(f[1]), f[2], Long.parseLong(f[3])));
      }
    }
    return rows;
  }

  /** The policy that answers for {@code libCacheSimName}, with its default settings but those. */
  static ReplacementPolicy policy(String libCacheSimName) {
    if (libCacheSimName.equals("lirs-fixed")) {
      return create(new LirsPolicyProvider(), 1, Map.of("variant", "paper"));
    }
    return create(provider(libCacheSimName), 1);
  }

  static ReplacementPolicyProvider provider(String libCacheSimName) {
    return switch (libCacheSimName) {
      case "arc" -> new ArcPolicyProvider();
      case "twoq" -> new TwoQueuePolicyProvider();
      case "lirs" -> new LirsPolicyProvider();
      case "s3fifo" -> new S3FifoPolicyProvider();
      case "sieve" -> new SievePolicyProvider();
      case "lfu" -> new LfuPolicyProvider();
      case "mru" -> new MruPolicyProvider();
      default -> throw new IllegalArgumentException(libCacheSimName);
    };
  }

  /** A policy from its provider with its default settings. */
  static ReplacementPolicy create(ReplacementPolicyProvider p, long seed) {
    return create(p, seed, Map.of());
  }

  /** A policy from its provider with its default settings, {@code overrides} replacing some. */
  static ReplacementPolicy create(
      ReplacementPolicyProvider p, long seed, Map<String, String> overrides) {
    Map<String, String> values = new java.util.TreeMap<>(p.defaultSettings());
    values.putAll(overrides);
    Settings s = new Settings(p.name(), values);
    return p.create(
        new ProviderContext() {
          @Override
          public MemoryLayout layout() {
            return new MemoryLayout(4096, 1);
          }

          @Override
          public Settings settings() {
            return s;
          }

          @Override
          public String loggerName() {
            return "io.mmsim.policies";
          }

          @Override
          public long seed() {
            return seed;
          }
        });
  }

  @Test
  void table_coversEveryStringFrameCountAndPolicy() throws IOException {
    assertThat(table()).hasSize(6 * 9 * 8);
  }

  @TestFactory
  Stream<DynamicTest> misses_equalLibCacheSim() throws IOException {
    Map<String, long[]> strings = PageStrings.all();
    return table().stream()
        .map(
            row ->
                DynamicTest.dynamicTest(
                    row.policy() + " " + row.string() + " " + row.frames() + " frames",
                    () -> {
                      ReplacementPolicy p = policy(row.policy());
                      long got = PolicySimulator.misses(p, strings.get(row.string()), row.frames());
                      assertThat(got).isEqualTo(row.misses());
                    }));
  }
}
