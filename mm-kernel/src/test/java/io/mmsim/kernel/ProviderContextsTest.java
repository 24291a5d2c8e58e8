package io.mmsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.reclaim.PolicyContext;
import io.mmsim.api.spi.FaultHandlerProvider;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.api.spi.ObjectAllocatorProvider;
import io.mmsim.api.spi.PageAllocatorProvider;
import io.mmsim.api.spi.PageTableProvider;
import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.VirtualAllocatorContext;
import io.mmsim.api.spi.VirtualAllocatorProvider;
import io.mmsim.api.swap.SwapContext;
import io.mmsim.api.swap.SwapHandlerContext;
import io.mmsim.api.swap.SwapProvider;
import io.mmsim.kernel.registry.ProviderRegistry;
import io.mmsim.kernel.registry.ProviderRegistry.Spi;

/**
 * Each provider gets a context of its own kind and nothing wider: the real providers, found by
 * discovery, are wrapped so that every context handed to {@code create} is recorded, then a kernel
 * with every part boots through them.
 */
final class ProviderContextsTest {
  /** The context each SPI's create received, by SPI. */
  private final Map<Class<?>, List<Object>> seen = new LinkedHashMap<>();

  private Provider recording(Class<? extends Provider> spi, Provider real) {
    return (Provider)
        Proxy.newProxyInstance(
            spi.getClassLoader(),
            new Class<?>[] {spi},
            (proxy, method, args) -> {
              if (method.getName().equals("create")) {
                seen.computeIfAbsent(spi, k -> new ArrayList<>()).add(args[0]);
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private Kernel boot() {
    ProviderRegistry found = ProviderRegistry.discover();
    List<Provider> wrapped = new ArrayList<>();
    for (Spi spi : Spi.values()) {
      for (Provider p : found.providers(spi)) {
        wrapped.add(recording(spi.type(), p));
      }
    }
    return Kernel.builder()
        .providers(wrapped)
        .set("memory.size", "64M")
        .set("swap.memory", "1M")
        .set("rss.limit", "16")
        .boot();
  }

  private Object only(Class<?> spi) {
    assertThat(seen.get(spi)).as("contexts given to %s", spi.getSimpleName()).isNotEmpty();
    return seen.get(spi).get(0);
  }

  @Test
  void everyProvider_getsItsOwnContextAndNoWiderOne() {
    Kernel k = boot();

    assertThat(k.parts()).containsKeys("object-allocator", "virtual-allocator", "fault-handler");
    Object pages = only(PageAllocatorProvider.class);
    assertThat(pages).isInstanceOf(ProviderContext.class).isNotInstanceOf(MemoryContext.class);
    assertThat(pages)
        .isNotInstanceOf(SwapHandlerContext.class)
        .isNotInstanceOf(PolicyContext.class);

    for (Class<?> spi : List.of(ObjectAllocatorProvider.class, PageTableProvider.class)) {
      Object ctx = only(spi);
      assertThat(ctx).as(spi.getSimpleName()).isInstanceOf(MemoryContext.class);
      assertThat(ctx)
          .as(spi.getSimpleName())
          .isNotInstanceOf(VirtualAllocatorContext.class)
          .isNotInstanceOf(SwapContext.class)
          .isNotInstanceOf(SwapHandlerContext.class);
    }

    Object vmalloc = only(VirtualAllocatorProvider.class);
    assertThat(vmalloc).isInstanceOf(VirtualAllocatorContext.class);
    assertThat(vmalloc)
        .isNotInstanceOf(SwapContext.class)
        .isNotInstanceOf(SwapHandlerContext.class);

    Object swap = only(SwapProvider.class);
    assertThat(swap).isInstanceOf(SwapContext.class);
    assertThat(swap)
        .isNotInstanceOf(VirtualAllocatorContext.class)
        .isNotInstanceOf(SwapHandlerContext.class);

    for (Object ctx : seen.get(FaultHandlerProvider.class)) {
      assertThat(ctx).isInstanceOf(SwapHandlerContext.class).isNotInstanceOf(MemoryContext.class);
      assertThat(((SwapHandlerContext) ctx).swapSystem()).isSameAs(k.swap());
    }

    for (Object ctx : seen.get(ReplacementPolicyProvider.class)) {
      assertThat(ctx).isInstanceOf(PolicyContext.class).isNotInstanceOf(MemoryContext.class);
    }
  }

  @Test
  void contexts_readTheKernelsPartsWhenAsked() {
    Kernel k = boot();

    MemoryContext objects = (MemoryContext) only(ObjectAllocatorProvider.class);
    assertThat(objects.pageAllocator()).isSameAs(k.pageAllocator());
    assertThat(objects.memory()).isSameAs(k.memory());
    assertThat(objects.layout()).isSameAs(k.layout());
    k.setCaller("test.trace:7");
    assertThat(objects.caller()).isEqualTo("test.trace:7");
    VirtualAllocatorContext vmalloc =
        (VirtualAllocatorContext) only(VirtualAllocatorProvider.class);
    assertThat(vmalloc.pageTable()).isSameAs(k.pageTable());
    assertThat(objects.settings().prefix()).isEqualTo(k.parts().get("object-allocator"));
  }
}
