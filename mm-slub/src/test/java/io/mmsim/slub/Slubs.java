package io.mmsim.slub;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.object.TestMemoryContext;

/** Builds SLUB allocators over the testkit's SimplePageAllocator for the tests. */
final class Slubs {
  private Slubs() {}

  /** A 64 MiB machine with {@code cpus} CPUs and the given {@code slub.*} settings. */
  static TestMemoryContext context(int cpus, String... keyValues) {
    Map<String, String> m = new LinkedHashMap<>(SlubAllocator.defaults());
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return TestMemoryContext.simple(16384, cpus, new Settings("slub", m));
  }

  static SlubAllocator slub(TestMemoryContext ctx) {
    return (SlubAllocator) new SlubProvider().create(ctx);
  }
}
