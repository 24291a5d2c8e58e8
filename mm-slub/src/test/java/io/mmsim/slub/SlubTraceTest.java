package io.mmsim.slub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.trace.TraceEvent;
import io.mmsim.api.trace.TraceListener;
import io.mmsim.api.trace.Tracepoint;
import io.mmsim.testkit.object.TestMemoryContext;

/**
 * SLUB with a trace listener: the traced twins of kmalloc, kfree, kmem_cache_alloc and
 * kmem_cache_free must do the same work as the untraced paths and report it as the kernel's {@code
 * kmem:*} tracepoints do ({@code include/trace/events/kmem.h}), plus the slab steps.
 */
final class SlubTraceTest {
  private static final EnumSet<Tracepoint> SLAB_POINTS =
      EnumSet.of(
          Tracepoint.KMALLOC,
          Tracepoint.KFREE,
          Tracepoint.KMEM_CACHE_ALLOC,
          Tracepoint.KMEM_CACHE_FREE,
          Tracepoint.SLAB_ALLOC,
          Tracepoint.SLAB_FREE,
          Tracepoint.NEW_SLAB,
          Tracepoint.DISCARD_SLAB);

  private TestMemoryContext ctx;
  private SlubAllocator slub;
  private PhysicalMemory mem;
  private final List<TraceEvent> events = new ArrayList<>();
  private final TraceListener listener = e -> events.add(e.copy());

  private void boot(String... settings) {
    ctx = Slubs.context(1, settings);
    slub = Slubs.slub(ctx);
    mem = ctx.memory();
    slub.trace.subscribe(SLAB_POINTS, listener);
  }

  @AfterEach
  void stop() {
    if (slub != null) {
      slub.trace.unsubscribe(listener);
      slub.checkInvariants();
    }
  }

  private List<TraceEvent> take(Tracepoint tp) {
    List<TraceEvent> out = new ArrayList<>();
    for (TraceEvent e : events) {
      if (e.tracepoint() == tp) {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void cacheAlloc_traced_newSlabThenFastPathAndZeroedObject() {
    boot("nomerge", "true");
    KmemCache c = slub.kmemCacheCreate("tr64", 64, 0, 0, null);
    ctx.setCaller("w.txt:7");
    long a = c.alloc(0, Gfp.KERNEL);
    // the first object of a fresh order-0 slab: 4096 / 64 = 64 objects, the slab starts at a
    List<TraceEvent> slabs = take(Tracepoint.NEW_SLAB);
    assertThat(slabs).hasSize(1);
    assertThat(slabs.get(0).text("cache")).isEqualTo("tr64");
    assertThat(slabs.get(0).arg("pfn")).isEqualTo(Page.physToPfn(KernelLayout.pa(a)));
    assertThat(slabs.get(0).arg("order")).isZero();
    assertThat(slabs.get(0).arg("objects")).isEqualTo(64);
    TraceEvent ka = take(Tracepoint.KMEM_CACHE_ALLOC).get(0);
    assertThat(ka.arg("ptr")).isEqualTo(a);
    assertThat(ka.arg("bytes_req")).isEqualTo(64);
    assertThat(ka.arg("bytes_alloc")).isEqualTo(64);
    assertThat(ka.text("call_site")).isEqualTo("w.txt:7");
    assertThat(take(Tracepoint.SLAB_ALLOC).get(0).text("path")).contains("new slab");
    assertThat(take(Tracepoint.SLAB_ALLOC).get(0).arg("ptr")).isEqualTo(a);

    // dirty the next slot away from its free pointer, then ask for a zeroed object
    long next = a + 64;
    mem.fill(KernelLayout.pa(next), 8, (byte) 0x5a);
    events.clear();
    long b = c.alloc(0, Gfp.KERNEL | Gfp.ZERO);
    assertThat(b).isEqualTo(next);
    for (int i = 0; i < 64; i++) {
      assertThat(mem.readByte(KernelLayout.pa(b) + i)).as("byte %d", i).isZero();
    }
    List<TraceEvent> fast = take(Tracepoint.SLAB_ALLOC);
    assertThat(fast).hasSize(1);
    assertThat(fast.get(0).arg("ptr")).isEqualTo(b);
    assertThat(fast.get(0).text("path")).contains("fast path");
    assertThat(take(Tracepoint.NEW_SLAB)).isEmpty();

    // without __GFP_ZERO the allocator leaves the slot's bytes as it finds them
    mem.fill(KernelLayout.pa(b + 64), 8, (byte) 0x5a);
    long d = c.alloc(0, Gfp.KERNEL);
    assertThat(d).isEqualTo(b + 64);
    assertThat(mem.readByte(KernelLayout.pa(d))).isEqualTo((byte) 0x5a);

    events.clear();
    c.free(0, b);
    assertThat(take(Tracepoint.KMEM_CACHE_FREE)).hasSize(1);
    assertThat(take(Tracepoint.KMEM_CACHE_FREE).get(0).arg("ptr")).isEqualTo(b);
    assertThat(take(Tracepoint.KMEM_CACHE_FREE).get(0).text("name")).isEqualTo("tr64");
    assertThat(take(Tracepoint.SLAB_FREE).get(0).text("path")).contains("fast path");
    // LIFO: the freed object comes straight back
    assertThat(c.alloc(0, Gfp.KERNEL)).isEqualTo(b);
    c.free(0, a);
    c.free(0, b);
    c.free(0, d);
  }

  @Test
  void cacheFree_tracedObjectOfAnOlderSlab_slowPathThenDiscardOnShrink() {
    boot("nomerge", "true");
    KmemCache c = slub.kmemCacheCreate("tr512", 512, 0, 0, null);
    // one slab's worth plus one: the extra object needs a second slab
    int perSlab = slub.findCache("tr512").info().objPerSlab();
    long[] objs = new long[perSlab + 1];
    for (int i = 0; i < objs.length; i++) {
      objs[i] = c.alloc(0, Gfp.KERNEL);
    }
    assertThat(take(Tracepoint.NEW_SLAB)).hasSize(2);
    events.clear();
    // objs[0] lies in the first slab, which left the CPU full: __slab_free
    c.free(0, objs[0]);
    assertThat(take(Tracepoint.SLAB_FREE)).hasSize(1);
    assertThat(take(Tracepoint.SLAB_FREE).get(0).text("path")).contains("slow path");
    assertThat(take(Tracepoint.SLAB_FREE).get(0).arg("ptr")).isEqualTo(objs[0]);
    for (int i = 1; i < objs.length; i++) {
      c.free(0, objs[i]);
    }
    events.clear();
    long pages = c.shrink();
    // both slabs empty: shrink gives every page back, one discard_slab per slab
    List<TraceEvent> discards = take(Tracepoint.DISCARD_SLAB);
    assertThat(discards).hasSize(2);
    long order = slub.findCache("tr512").info().pagesPerSlab();
    assertThat(pages).isEqualTo(2 * order);
    for (TraceEvent e : discards) {
      assertThat(1L << e.arg("order")).isEqualTo(order);
      assertThat(e.text("cache")).isEqualTo("tr512");
    }
  }

  @Test
  void kmalloc_traced_reportsRequestAndClassSize() {
    boot();
    ctx.setCaller("k.txt:3");
    long p = slub.kmalloc(0, 100, Gfp.KERNEL);
    // 100 bytes land in kmalloc-128
    TraceEvent k = take(Tracepoint.KMALLOC).get(0);
    assertThat(k.arg("ptr")).isEqualTo(p);
    assertThat(k.arg("bytes_req")).isEqualTo(100);
    assertThat(k.arg("bytes_alloc")).isEqualTo(128);
    assertThat(k.text("call_site")).isEqualTo("k.txt:3");
    assertThat(slub.findCache("kmalloc-128").info().activeObjs()).isPositive();
    events.clear();
    slub.kfree(0, p);
    assertThat(take(Tracepoint.KFREE)).hasSize(1);
    assertThat(take(Tracepoint.KFREE).get(0).arg("ptr")).isEqualTo(p);
    assertThat(take(Tracepoint.SLAB_FREE)).hasSize(1);
  }

  @Test
  void kmalloc_tracedLarge_reportsWholePages() {
    boot();
    long p = slub.kmalloc(0, 10_000, Gfp.KERNEL);
    // kmalloc_large: get_order(10000) = 2, so 16 KiB
    TraceEvent k = take(Tracepoint.KMALLOC).get(0);
    assertThat(k.arg("ptr")).isEqualTo(p);
    assertThat(k.arg("bytes_req")).isEqualTo(10_000);
    assertThat(k.arg("bytes_alloc")).isEqualTo(16_384);
    assertThat(slub.ksize(p)).isEqualTo(16_384);
    events.clear();
    slub.kfree(0, p);
    assertThat(take(Tracepoint.KFREE).get(0).arg("ptr")).isEqualTo(p);
    assertThat(slub.unreclaimablePages()).isZero();
  }
}
