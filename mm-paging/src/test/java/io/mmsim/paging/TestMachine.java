package io.mmsim.paging;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.api.spi.Settings;
import io.mmsim.paging.x86.X86PageTableProvider;

/**
 * A small simulated machine for tests: RAM, a {@link TestPageAllocator} (frame 0 reserved) and the
 * {@code x86_64} page table built through its provider with the given settings.
 */
public final class TestMachine {
  /** The machine's RAM. */
  public final PhysicalMemory memory;

  /** The page allocator. */
  public final TestPageAllocator allocator;

  /** The page table. */
  public final PageTable pageTable;

  /** The layout. */
  public final MemoryLayout layout;

  private TestMachine(long frames, int cpus, Map<String, String> overrides) {
    this.layout = new MemoryLayout(frames, cpus);
    this.memory = new PhysicalMemory(frames);
    this.allocator = new TestPageAllocator(layout, 1);
    X86PageTableProvider provider = new X86PageTableProvider();
    this.pageTable = provider.create(context(provider, overrides));
  }

  /** A machine of {@code frames} frames and one CPU; settings as {@code key=value} short keys. */
  public static TestMachine of(long frames, String... settings) {
    return of(frames, 1, settings);
  }

  /** A machine of {@code frames} frames and {@code cpus} CPUs. */
  public static TestMachine of(long frames, int cpus, String... settings) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String s : settings) {
      int eq = s.indexOf('=');
      m.put(s.substring(0, eq), s.substring(eq + 1));
    }
    return new TestMachine(frames, cpus, m);
  }

  /** The context a provider's create receives: the defaults merged with {@code overrides}. */
  public MemoryContext context(X86PageTableProvider provider, Map<String, String> overrides) {
    Map<String, String> values = new LinkedHashMap<>(provider.defaultSettings());
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      if (!values.containsKey(e.getKey())) {
        throw new IllegalArgumentException("unknown test setting " + e.getKey());
      }
      values.put(e.getKey(), e.getValue());
    }
    Settings settings = new Settings(provider.name(), values);
    return new Ctx(layout, settings, memory, allocator);
  }

  private record Ctx(
      MemoryLayout layout, Settings settings, PhysicalMemory memory, PageAllocator pageAllocator)
      implements MemoryContext {
    @Override
    public String loggerName() {
      return "io.mmsim.paging.test";
    }

    @Override
    public long seed() {
      return 42;
    }

    @Override
    public String caller() {
      return "test";
    }
  }
}
