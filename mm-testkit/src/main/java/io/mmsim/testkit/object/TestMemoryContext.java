package io.mmsim.testkit.object;

import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.api.spi.Settings;

/**
 * A {@link MemoryContext} assembled by hand for tests: a layout, its {@link PhysicalMemory}, a page
 * allocator, a settings slice and a caller string the test can change between calls (what a
 * workload's {@code file:line} is in the kernel).
 */
public final class TestMemoryContext implements MemoryContext {
  private final MemoryLayout layout;
  private final PhysicalMemory memory;
  private final PageAllocator pageAllocator;
  private final Settings settings;
  private final long seed;
  private String caller = "api";
  private Memmap memmap;

  /** A context over the given parts. */
  public TestMemoryContext(
      MemoryLayout layout,
      PhysicalMemory memory,
      PageAllocator pageAllocator,
      Settings settings,
      long seed) {
    this.layout = layout;
    this.memory = memory;
    this.pageAllocator = pageAllocator;
    this.settings = settings;
    this.seed = seed;
  }

  /**
   * A machine of {@code frames} frames and {@code cpus} CPUs whose page allocator is a booted
   * {@link SimplePageAllocator} owning every frame but the first ({@code PFN 0} stays reserved, as
   * the kernel never hands it out).
   */
  public static TestMemoryContext simple(long frames, int cpus, Settings settings) {
    MemoryLayout layout = new MemoryLayout(frames, cpus);
    return new TestMemoryContext(
        layout, new PhysicalMemory(frames), SimplePageAllocator.booted(layout, 1), settings, 42);
  }

  @Override
  public MemoryLayout layout() {
    return layout;
  }

  @Override
  public Settings settings() {
    return settings;
  }

  @Override
  public String loggerName() {
    return "io.mmsim.testkit";
  }

  @Override
  public long seed() {
    return seed;
  }

  @Override
  public PageAllocator pageAllocator() {
    return pageAllocator;
  }

  @Override
  public PhysicalMemory memory() {
    return memory;
  }

  /**
   * The page allocator's per-frame words, or words of this context's own (made on the first call,
   * the same ever after) when it keeps none, as a kernel shares one set between its parts.
   */
  @Override
  public Memmap memmap() {
    if (memmap == null) {
      Memmap m = pageAllocator.memmap();
      memmap = m != null ? m : new Memmap(layout.frames());
    }
    return memmap;
  }

  @Override
  public String caller() {
    return caller;
  }

  /** Sets what {@link #caller()} answers from now on. */
  public void setCaller(String caller) {
    this.caller = caller;
  }
}
