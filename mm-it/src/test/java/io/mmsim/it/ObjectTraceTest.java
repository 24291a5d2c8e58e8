package io.mmsim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.trace.TraceEvent;
import io.mmsim.api.trace.Tracepoint;
import io.mmsim.kernel.Kernel;

/** Every built-in object allocator reports kmalloc, kfree and kmem_cache_* as the kernel does. */
final class ObjectTraceTest {

  /**
   * bytes_alloc of kmalloc(100): SLUB and SLAB serve it from kmalloc-128 (96 is too small); SLOB
   * takes 100 bytes plus the 8-byte size header in front of the block.
   */
  @ParameterizedTest
  @CsvSource({"slub, 128", "slab, 128", "slob, 108"})
  void kmallocKfreeAndCacheCalls_eachEmitsItsKmemEvent(String allocator, long bytesAlloc) {
    Kernel k = Kernel.builder().set("memory.size", "64M").set("object-allocator", allocator).boot();
    List<TraceEvent> events = new ArrayList<>();
    k.tracer()
        .subscribe(
            Tracepoint.select("kmem:kmalloc,kmem:kfree,kmem:kmem_cache_alloc,kmem:kmem_cache_free"),
            e -> events.add(e.copy()));
    k.setCaller("t.trace:7");
    ObjectAllocator oa = k.objectAllocator();

    long p = oa.kmalloc(0, 100, Gfp.KERNEL);
    oa.kfree(0, p);
    KmemCache c = oa.kmemCacheCreate("traced", 200, 8, 0, null);
    long o = c.alloc(0, Gfp.KERNEL);
    c.free(0, o);

    assertThat(events)
        .extracting(e -> e.tracepoint().event())
        .containsExactly("kmalloc", "kfree", "kmem_cache_alloc", "kmem_cache_free");
    TraceEvent km = events.get(0);
    assertThat(km.arg("ptr")).isEqualTo(p);
    assertThat(km.arg("bytes_req")).isEqualTo(100);
    assertThat(km.arg("bytes_alloc")).isEqualTo(bytesAlloc);
    assertThat(km.text("call_site")).isEqualTo("t.trace:7");
    assertThat(events.get(1).arg("ptr")).isEqualTo(p);
    assertThat(events.get(2).arg("ptr")).isEqualTo(o);
    assertThat(events.get(2).text("name")).isEqualTo("traced");
    assertThat(events.get(3).arg("ptr")).isEqualTo(o);
    assertThat(km.line()).contains("kmalloc: call_site=t.trace:7 ptr=").contains(" bytes_req=100 ");
  }
}
