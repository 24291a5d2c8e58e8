package io.mmsim.slob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.ConfigurationException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.object.BadCacheException;
import io.mmsim.api.object.KmemCache;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.object.SlabFlags;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.spi.Settings;
import io.mmsim.testkit.InvariantCheckExtension;
import io.mmsim.testkit.object.TestMemoryContext;

/**
 * Every misuse SLOB itself would not notice: each is refused with a message naming the address (and
 * cache), and the allocator, the page allocator and the page bytes stay exactly as they were.
 */
final class SlobMisuseTest {

  @RegisterExtension final InvariantCheckExtension invariants = new InvariantCheckExtension();

  private TestMemoryContext ctx;
  private PhysicalMemory memory;
  private SlobAllocator slob;

  @BeforeEach
  void setUp() {
    ctx = TestMemoryContext.simple(1024, 2, Settings.empty("slob"));
    memory = ctx.memory();
    slob = invariants.track((SlobAllocator) new SlobProvider().create(ctx));
    invariants.track(ctx.pageAllocator());
  }

  /** Everything observable: counters, free pages, and the bytes of the page at {@code addr}. */
  private final class State {
    private final Statistics stats = slob.statistics();
    private final long free = ctx.pageAllocator().nrFreePages();
    private final long pageBase;
    private final byte[] bytes = new byte[Page.PAGE_SIZE];

    State(long addr) {
      pageBase = KernelLayout.pa(addr) & ~Page.PAGE_OFFSET_MASK;
      memory.read(pageBase, bytes, 0, bytes.length);
    }

    void assertUnchanged() {
      assertUnchangedWithoutInvariants();
      slob.checkInvariants();
    }

    void assertUnchangedWithoutInvariants() {
      assertThat(slob.statistics()).isEqualTo(stats);
      assertThat(ctx.pageAllocator().nrFreePages()).isEqualTo(free);
      byte[] now = new byte[Page.PAGE_SIZE];
      memory.read(pageBase, now, 0, now.length);
      assertThat(Arrays.mismatch(now, bytes)).as("first changed byte of the page").isEqualTo(-1);
    }
  }

  // ================================================================ kfree

  @Test
  void kfree_doubleFree_saysSoAndChangesNothing() {
    long keep = slob.kmalloc(0, 64, Gfp.KERNEL);
    long a = slob.kmalloc(0, 64, Gfp.KERNEL);
    slob.kfree(0, a);
    State s = new State(keep);
    assertThatThrownBy(() -> slob.kfree(0, a))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining(String.format("kfree(0x%x)", a))
        .hasMessageContaining("double free")
        .extracting(e -> ((BadAddressException) e).address())
        .isEqualTo(a);
    s.assertUnchanged();
  }

  @Test
  void kfree_doubleFreeOfPageBlock_refused() {
    long big = slob.kmalloc(0, 10000, Gfp.KERNEL);
    slob.kfree(0, big);
    long free = ctx.pageAllocator().nrFreePages();
    assertThatThrownBy(() -> slob.kfree(0, big))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("already freed");
    assertThat(ctx.pageAllocator().nrFreePages()).isEqualTo(free);
  }

  @Test
  void kfree_interiorPointer_namesTheObject() {
    long a = slob.kmalloc(0, 100, Gfp.KERNEL);
    State s = new State(a);
    assertThatThrownBy(() -> slob.kfree(0, a + 8))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining(String.format("8 bytes into the kmalloc object at 0x%x", a));
    assertThatThrownBy(() -> slob.kfree(0, a - 4))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("size header");
    s.assertUnchanged();
  }

  @Test
  void kfree_cacheObject_namesTheCache() {
    KmemCache c = slob.kmemCacheCreate("dentry", 192, 0, 0, null);
    long o = c.alloc(0, Gfp.KERNEL);
    State s = new State(o);
    assertThatThrownBy(() -> slob.kfree(0, o))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("dentry")
        .hasMessageContaining("kmem_cache_free");
    assertThatThrownBy(() -> slob.ksize(o))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("dentry");
    s.assertUnchanged();
  }

  @Test
  void kfree_overwrittenSizeHeader_refusedUntilRestored() {
    long a = slob.kmalloc(0, 100, Gfp.KERNEL);
    long header = KernelLayout.pa(a) - 8;
    memory.writeInt(header, 5000);
    State s = new State(a);
    assertThatThrownBy(() -> slob.kfree(0, a))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("overwritten")
        .hasMessageContaining("5000");
    s.assertUnchangedWithoutInvariants();
    memory.writeInt(header, 100);
    slob.checkInvariants();
    slob.kfree(0, a);
    assertThat(slob.statistics().get("heap_pages")).isZero();
  }

  @Test
  void kfree_foreignAndNonDirectMapAddresses_refused() {
    long a = slob.kmalloc(0, 32, Gfp.KERNEL);
    State s = new State(a);
    assertThatThrownBy(() -> slob.kfree(0, KernelLayout.VMALLOC_START))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("direct map");
    long elsewhere = KernelLayout.va(Page.pfnToPhys(900));
    assertThatThrownBy(() -> slob.kfree(0, elsewhere))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("never allocated");
    assertThat(slob.ksize(0)).as("ksize(NULL), as ZERO_OR_NULL_PTR in mm/slob.c").isZero();
    slob.kfree(0, 0);
    s.assertUnchanged();
  }

  // ================================================================ kmem_cache_free

  @Test
  void kmemCacheFree_kmallocObject_refused() {
    KmemCache c = slob.kmemCacheCreate("c", 100, 0, 0, null);
    long k = slob.kmalloc(0, 100, Gfp.KERNEL);
    State s = new State(k);
    assertThatThrownBy(() -> c.free(0, k))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("allocated by kmalloc")
        .hasMessageContaining("kfree");
    s.assertUnchanged();
  }

  @Test
  void kmemCacheFree_wrongCache_usesTheKernelWording() {
    KmemCache a = slob.kmemCacheCreate("cache-a", 64, 0, 0, null);
    KmemCache b = slob.kmemCacheCreate("cache-b", 64, 0, 0, null);
    long x = a.alloc(0, Gfp.KERNEL);
    State s = new State(x);
    assertThatThrownBy(() -> b.free(1, x))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("Wrong slab cache. cache-b but object is from cache-a");
    s.assertUnchanged();
    a.free(1, x);
  }

  @Test
  void kmemCacheFree_doubleFreeAndNull_refused() {
    KmemCache c = slob.kmemCacheCreate("c", 40, 0, 0, null);
    long keep = c.alloc(0, Gfp.KERNEL);
    long x = c.alloc(0, Gfp.KERNEL);
    c.free(0, x);
    State s = new State(keep);
    assertThatThrownBy(() -> c.free(0, x))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("kmem_cache_free(c, ")
        .hasMessageContaining("double free");
    assertThatThrownBy(() -> c.free(0, 0))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("NULL");
    s.assertUnchanged();
  }

  // ================================================================ caches

  @Test
  void kmemCacheDestroy_withObjects_namesTheCacheAndStaysUsable() {
    KmemCache c = slob.kmemCacheCreate("busy", 300, 0, 0, null);
    long x = c.alloc(0, Gfp.KERNEL);
    assertThatThrownBy(c::destroy)
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("kmem_cache_destroy busy: Slab cache still has objects")
        .extracting(e -> ((BadAddressException) e).address())
        .isEqualTo(x);
    c.free(0, x);
    c.destroy();
    assertThatThrownBy(() -> c.alloc(0, Gfp.KERNEL))
        .isInstanceOf(BadCacheException.class)
        .hasMessageContaining("busy");
    assertThatThrownBy(c::destroy).isInstanceOf(BadCacheException.class);
  }

  @Test
  void kmemCacheCreate_badArguments_refused() {
    assertThatThrownBy(() -> slob.kmemCacheCreate(null, 8, 0, 0, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> slob.kmemCacheCreate("z", 0, 0, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("z");
    assertThatThrownBy(() -> slob.kmemCacheCreate("z", 64, 24, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("align 24");
    assertThatThrownBy(() -> slob.kmemCacheCreate("z", 64, 0, 0x1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown flags 0x1");
    assertThatThrownBy(() -> slob.kmemCacheCreate("z", 100, 8192, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot align");
    assertThat(slob.kmemCacheCreate("z", 5000, 8192, 0, null).align()).isEqualTo(8192);
    assertThatThrownBy(
            () -> slob.kmemCacheCreate("huge-rcu", 4 << 20, 0, SlabFlags.TYPESAFE_BY_RCU, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RCU footer");
    assertThat(slob.kmemCacheCreate("huge", 4 << 20, 0, 0, null).size()).isEqualTo(4 << 20);
    assertThat(slob.caches()).hasSize(2);
  }

  @Test
  void calls_cpuOutOfRange_refused() {
    long a = slob.kmalloc(0, 16, Gfp.KERNEL);
    State s = new State(a);
    assertThatThrownBy(() -> slob.kmalloc(2, 16, Gfp.KERNEL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cpu 2");
    assertThatThrownBy(() -> slob.kfree(-1, a)).isInstanceOf(IllegalArgumentException.class);
    s.assertUnchanged();
  }

  // ================================================================ corrupted memory

  @Test
  void freeList_overwrittenAfterFree_detectedBeforeAnyChange() {
    // 104 + 8 = 112-byte blocks: packed with no alignment fragments in between
    long a = slob.kmalloc(0, 104, Gfp.KERNEL);
    long b = slob.kmalloc(0, 104, Gfp.KERNEL);
    long c = slob.kmalloc(0, 104, Gfp.KERNEL);
    slob.kfree(0, b);
    long blockStart = KernelLayout.pa(b) - 8; // the freed block's first unit: its size
    int saved = memory.readShort(blockStart);
    State s = new State(a);
    memory.writeShort(blockStart, 0x7fff); // a use-after-free write
    assertThatThrownBy(() -> slob.kmalloc(0, 104, Gfp.KERNEL))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("corrupt")
        .hasMessageContaining("written after");
    assertThatThrownBy(() -> slob.kfree(0, c))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("corrupt");
    assertThatThrownBy(slob::checkInvariants).isInstanceOf(AssertionError.class);
    memory.writeShort(blockStart, saved);
    s.assertUnchanged();
    assertThat(slob.kmalloc(0, 104, Gfp.KERNEL)).isEqualTo(b);
  }

  // ================================================================ page allocator misbehaving

  @Test
  void kmalloc_pageAllocatorRunsDry_returnsZeroAndKeepsWorkingInItsPages() {
    MemoryLayout layout = new MemoryLayout(64, 1);
    PageAllocator dry = mock(PageAllocator.class);
    int[] calls = {0};
    // one order-0 page (pfn 10), then nothing at any order
    when(dry.allocPages(anyInt(), anyInt(), anyInt()))
        .thenAnswer(
            inv -> (int) inv.getArgument(2) == 0 && calls[0]++ == 0 ? 10L : PageAllocator.NO_PAGE);
    TestMemoryContext mocked =
        new TestMemoryContext(layout, new PhysicalMemory(64), dry, Settings.empty("slob"), 1);
    ObjectAllocator a = new SlobProvider().create(mocked);
    long first = a.kmalloc(0, 2000, Gfp.KERNEL);
    assertThat(KernelLayout.pa(first) >>> Page.PAGE_SHIFT).isEqualTo(10);
    assertThat(a.kmalloc(0, 3000, Gfp.KERNEL)).as("no room, no page").isZero();
    assertThat(a.kmalloc(0, 5000, Gfp.KERNEL)).as("no order-1 block").isZero();
    assertThat(a.statistics().get("alloc_failures")).isEqualTo(2);
    long second = a.kmalloc(0, 1500, Gfp.KERNEL);
    assertThat(KernelLayout.pa(second) >>> Page.PAGE_SHIFT).isEqualTo(10);
    a.checkInvariants();
    a.kfree(0, first);
    a.kfree(0, second);
    verify(dry).freePages(0, 10, 0);
    assertThat(a.unreclaimablePages()).isZero();
    a.checkInvariants();
  }

  // ================================================================ debug setting

  @Test
  void checkInvariantsSetting_on_catchesDamageAtTheNextCall() {
    TestMemoryContext checked =
        TestMemoryContext.simple(
            256, 1, new Settings("slob", Map.of(SlobProvider.CHECK_INVARIANTS, "true")));
    ObjectAllocator a = new SlobProvider().create(checked);
    long x = a.kmalloc(0, 104, Gfp.KERNEL);
    long y = a.kmalloc(0, 104, Gfp.KERNEL);
    a.kmalloc(0, 104, Gfp.KERNEL);
    a.kfree(0, y);
    // damage the small list's page, then allocate from the large list: the walk never reads the
    // damaged page, but the check after the call does
    checked.memory().writeShort(KernelLayout.pa(y) - 8, 0x7fff);
    assertThatThrownBy(() -> a.kmalloc(0, 2000, Gfp.KERNEL))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("corrupt");
    assertThat(x).isNotZero();
  }

  @Test
  void checkInvariantsSetting_notABoolean_isAConfigurationError() {
    TestMemoryContext bad =
        TestMemoryContext.simple(
            64, 1, new Settings("slob", Map.of(SlobProvider.CHECK_INVARIANTS, "maybe")));
    assertThatThrownBy(() -> new SlobProvider().create(bad))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("slob.check-invariants");
  }

  @Test
  void flags_debugFlagsOnRequest_areDroppedNotRefused() {
    KmemCache c = slob.kmemCacheCreate("dbg", 64, 0, SlabFlags.DEBUG_FLAGS, null);
    assertThat(c.flags()).isZero();
  }
}
