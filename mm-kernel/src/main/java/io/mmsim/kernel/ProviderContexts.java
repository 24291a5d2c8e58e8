package io.mmsim.kernel;

import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.reclaim.FutureReferences;
import io.mmsim.api.reclaim.PolicyContext;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.spi.VirtualAllocatorContext;
import io.mmsim.api.swap.SwapContext;
import io.mmsim.api.swap.SwapHandlerContext;
import io.mmsim.api.swap.SwapSystem;
import io.mmsim.api.trace.Tracer;
import io.mmsim.kernel.config.ConfigValidator;
import io.mmsim.kernel.config.Configuration;

/*
 * Every context the kernel hands a provider's create(), built here and nowhere else. Each SPI gets
 * a context of its own that implements only its interface, so a provider can reach only what its
 * SPI grants, even by a cast:
 *
 *   SPI                          context                    adds to the provider's own settings,
 *                                                           layout, logger name and seed
 *   PageAllocatorProvider        ProviderContext            nothing
 *   ObjectAllocatorProvider,     MemoryContext              page allocator, RAM, caller
 *   PageTableProvider
 *   VirtualAllocatorProvider     VirtualAllocatorContext    + page tables
 *   SwapProvider                 SwapContext                + frame references and map counts
 *   FaultHandlerProvider         SwapHandlerContext         the swap system (null without one)
 *   ReplacementPolicyProvider    PolicyContext              future references (null if unknown)
 *
 * Every context hands out the kernel's one Tracer, so that all parts stamp their events with the
 * same task, CPU and clock.
 *
 * A context reads the kernel's parts when asked, not when built: a part that is not booted yet
 * reads as null, as the boot order allows.
 */
final class ProviderContexts {
  private final Kernel kernel;
  private final Configuration config;

  ProviderContexts(Kernel kernel, Configuration config) {
    this.kernel = kernel;
    this.config = config;
  }

  /** A page allocator's context. */
  ProviderContext pageAllocator(Provider p) {
    return new Base(p, settings(p));
  }

  /** An object allocator's or a page table's context. */
  MemoryContext memory(Provider p) {
    return new Memory(p, settings(p));
  }

  /** vmalloc's context. */
  VirtualAllocatorContext virtualAllocator(Provider p) {
    return new Vmalloc(p, settings(p));
  }

  /** The swap subsystem's context. */
  SwapContext swap(Provider p) {
    return new Swap(p, settings(p));
  }

  /** A fault handler's context. */
  SwapHandlerContext faultHandler(Provider p) {
    return new FaultHandler(p, settings(p));
  }

  /** A replacement policy's context, with the future references of a known trace or null. */
  PolicyContext policy(Provider p, FutureReferences future) {
    return new Policy(p, settings(p), future);
  }

  private Settings settings(Provider p) {
    return ConfigValidator.settingsFor(p, config);
  }

  /** What every context tells: the machine, the provider's settings, its logger and seed. */
  private class Base implements ProviderContext {
    private final Provider provider;
    private final Settings settings;

    Base(Provider provider, Settings settings) {
      this.provider = provider;
      this.settings = settings;
    }

    @Override
    public final MemoryLayout layout() {
      return kernel.layout();
    }

    @Override
    public final Settings settings() {
      return settings;
    }

    @Override
    public final String loggerName() {
      return provider.getClass().getPackageName();
    }

    @Override
    public final long seed() {
      return kernel.seed() ^ provider.name().hashCode();
    }

    @Override
    public final Tracer tracer() {
      return kernel.tracer();
    }
  }

  private class Memory extends Base implements MemoryContext {
    Memory(Provider provider, Settings settings) {
      super(provider, settings);
    }

    @Override
    public final PageAllocator pageAllocator() {
      return kernel.pageAllocator();
    }

    @Override
    public final PhysicalMemory memory() {
      return kernel.memory();
    }

    @Override
    public final Memmap memmap() {
      return kernel.memmap();
    }

    @Override
    public final String caller() {
      return kernel.currentCaller();
    }
  }

  private final class Vmalloc extends Memory implements VirtualAllocatorContext {
    Vmalloc(Provider provider, Settings settings) {
      super(provider, settings);
    }

    @Override
    public PageTable pageTable() {
      return kernel.pageTable();
    }
  }

  private final class Swap extends Memory implements SwapContext {
    Swap(Provider provider, Settings settings) {
      super(provider, settings);
    }

    @Override
    public void getPage(long pfn) {
      kernel.processes().getPage(pfn);
    }

    @Override
    public void putPage(long pfn) {
      kernel.processes().putPage(pfn);
    }

    @Override
    public int mapCount(long pfn) {
      return kernel.processes().mapCount(pfn);
    }
  }

  private final class FaultHandler extends Base implements SwapHandlerContext {
    FaultHandler(Provider provider, Settings settings) {
      super(provider, settings);
    }

    @Override
    public SwapSystem swapSystem() {
      return kernel.swap();
    }
  }

  private final class Policy extends Base implements PolicyContext {
    private final FutureReferences future;

    Policy(Provider provider, Settings settings, FutureReferences future) {
      super(provider, settings);
      this.future = future;
    }

    @Override
    public FutureReferences future() {
      return future;
    }
  }
}
