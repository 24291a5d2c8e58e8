package io.mmsim.vmalloc;

import java.util.Map;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.spi.VirtualAllocatorContext;
import io.mmsim.testkit.object.SimplePageAllocator;

/**
 * A vmalloc context for tests: a small machine whose page allocator is testkit's {@link
 * SimplePageAllocator} seen through a {@link Delegate} proxy that can be told to run dry after a
 * number of allocations, a {@link FakePageTable} taking its frames from that allocator (seen as a
 * {@link PageTable} through another proxy), and a caller string the test sets.
 */
final class TestVmallocContext implements VirtualAllocatorContext {
  private final MemoryLayout layout;
  private final PhysicalMemory memory;
  private final SimplePageAllocator simple;
  private final PageAllocator pageAllocator;
  private final FakePageTable fakePageTable;
  private final PageTable pageTable;
  private final Settings settings;
  private long allocBudget = Long.MAX_VALUE;
  private String caller = "api";

  TestVmallocContext(long frames, int cpus, int levels, Map<String, String> settings) {
    this.layout = new MemoryLayout(frames, cpus);
    this.memory = new PhysicalMemory(frames);
    this.simple = SimplePageAllocator.booted(layout, 1);
    this.pageAllocator = Delegate.of(PageAllocator.class, new Budget(), simple);
    this.fakePageTable = new FakePageTable(pageAllocator, levels);
    this.pageTable = fakePageTable.asPageTable();
    this.settings = new Settings(VmallocProvider.NAME, settings);
  }

  /** Page allocations up to the budget go to the simple allocator; then they fail. */
  private final class Budget {
    @SuppressWarnings("unused") // called through the proxy
    long allocPages(int cpu, int gfp, int order) {
      if (allocBudget <= 0) {
        return PageAllocator.NO_PAGE;
      }
      allocBudget--;
      return simple.allocPages(cpu, gfp, order);
    }
  }

  /** A one-CPU, 4-level machine of {@code frames} frames with lazy freeing on. */
  static TestVmallocContext small(long frames) {
    return new TestVmallocContext(frames, 1, 4, Map.of("lazy", "true"));
  }

  /** From now on only {@code allocations} more page allocations succeed. */
  void failAfterAllocations(long allocations) {
    allocBudget = allocations;
  }

  /** Page allocations succeed again. */
  void stopFailing() {
    allocBudget = Long.MAX_VALUE;
    fakePageTable.failAfterWrites(Long.MAX_VALUE);
  }

  void setCaller(String caller) {
    this.caller = caller;
  }

  SimplePageAllocator simple() {
    return simple;
  }

  FakePageTable fakePageTable() {
    return fakePageTable;
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
    return "io.mmsim.vmalloc";
  }

  @Override
  public long seed() {
    return 42;
  }

  @Override
  public PageAllocator pageAllocator() {
    return pageAllocator;
  }

  @Override
  public PhysicalMemory memory() {
    return memory;
  }

  @Override
  public String caller() {
    return caller;
  }

  @Override
  public PageTable pageTable() {
    return pageTable;
  }
}
