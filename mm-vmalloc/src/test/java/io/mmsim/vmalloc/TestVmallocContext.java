package io.mmsim.vmalloc;

import java.util.Map;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.object.SimplePageAllocator;
import io.mmsim.testkit.paging.SimplePageTable;
import io.mmsim.testkit.vmalloc.TestVirtualAllocatorContext;

/**
 * A small machine for vmalloc tests: testkit's {@link SimplePageAllocator} (which runs dry on cue),
 * a {@link SimplePageTable} taking its frames from it, and a context over both whose caller string
 * the test sets.
 */
final class TestVmallocContext {
  private final SimplePageAllocator simple;
  private final SimplePageTable pageTable;
  private final TestVirtualAllocatorContext context;

  TestVmallocContext(long frames, int cpus, int levels, Map<String, String> settings) {
    MemoryLayout layout = new MemoryLayout(frames, cpus);
    this.simple = SimplePageAllocator.booted(layout, 1);
    this.pageTable = new SimplePageTable(simple, levels);
    this.context =
        new TestVirtualAllocatorContext(
            layout,
            new PhysicalMemory(frames),
            simple,
            pageTable,
            new Settings(VmallocProvider.NAME, settings));
  }

  /** A one-CPU, 4-level machine of {@code frames} frames with lazy freeing on. */
  static TestVmallocContext small(long frames) {
    return new TestVmallocContext(frames, 1, 4, Map.of("lazy", "true"));
  }

  /** From now on only {@code allocations} more page allocations succeed. */
  void failAfterAllocations(long allocations) {
    simple.failAfter(allocations);
  }

  /** Page allocations and PTE writes succeed again. */
  void stopFailing() {
    simple.neverFail();
    pageTable.failAfterWrites(Long.MAX_VALUE);
  }

  void setCaller(String caller) {
    context.setCaller(caller);
  }

  SimplePageAllocator simple() {
    return simple;
  }

  SimplePageTable pageTable() {
    return pageTable;
  }

  TestVirtualAllocatorContext context() {
    return context;
  }

  PhysicalMemory memory() {
    return context.memory();
  }

  SimplePageAllocator pageAllocator() {
    return simple;
  }
}
