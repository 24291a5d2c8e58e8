package io.mmsim.testkit.vmalloc;

import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.spi.VirtualAllocatorContext;

/**
 * A {@link VirtualAllocatorContext} assembled by hand for tests: a layout, its memory, a page
 * allocator, a page table, a settings slice and a caller string the test can change between calls
 * (what a workload's {@code file:line} is in the kernel).
 */
public final class TestVirtualAllocatorContext implements VirtualAllocatorContext {
  private final MemoryLayout layout;
  private final PhysicalMemory memory;
  private final PageAllocator pageAllocator;
  private final PageTable pageTable;
  private final Settings settings;
  private String caller = "api";

  /** A context over the given parts. */
  public TestVirtualAllocatorContext(
      MemoryLayout layout,
      PhysicalMemory memory,
      PageAllocator pageAllocator,
      PageTable pageTable,
      Settings settings) {
    this.layout = layout;
    this.memory = memory;
    this.pageAllocator = pageAllocator;
    this.pageTable = pageTable;
    this.settings = settings;
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
  public PageTable pageTable() {
    return pageTable;
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
