package io.mmsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.mmsim.api.BadAddressException;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.Page;
import io.mmsim.kernel.mm.Processes;

/**
 * One set of per-frame words shared by the buddy allocator (free lists), SLUB (slab ids) and the
 * process side (reverse-map keys): each owner's checks catch a word written by another.
 */
final class MemmapSharingTest {
  private static final int RW = Prot.READ | Prot.WRITE;

  private static Kernel boot() {
    return Kernel.builder().set("memory.size", "64M").set("cpus", "2").boot();
  }

  @Test
  void memmap_defaultKernel_isThePageAllocatorsAndReservedAs12BytesAFrame() {
    Kernel k = boot();

    assertThat(k.memmap()).isSameAs(k.pageAllocator().memmap());
    // the buddy's two words (8), its state byte (1), a boot bit and a pageblock byte rounded up
    // to 10; the reference counts (2)
    assertThat(k.metadataBytesPerFrame()).isEqualTo(12);
  }

  @Test
  void memmap_defaultKernel_reservesTheFramesMetadataWorkedOutByHand() {
    Kernel k = boot();

    // 64 MiB = 16384 frames; 12 bytes each = 196608 bytes, plus the bootmem bitmap's 16384 / 8 =
    // 2048: 198656 bytes, 48.5 pages, so 49 (with four-byte counts it was 231424 bytes, 57 pages)
    Reservation memmap =
        k.reservations().stream()
            .filter(r -> r.what().startsWith("frame metadata"))
            .findFirst()
            .orElseThrow();
    assertThat(memmap.pages()).isEqualTo(49);
  }

  @Test
  void memmap_twoNodeKernel_isTheNodesSharedWordsReservedAs12BytesAFrame() {
    Kernel k =
        Kernel.builder().set("memory.size", "64M").set("cpus", "2").set("numa.nodes", "2").boot();
    assertThat(k.memmap()).isSameAs(k.pageAllocator().memmap());
    assertThat(k.metadataBytesPerFrame()).isEqualTo(12);

    Processes p = k.processes();
    p.spawn(1);
    long addr = p.mmap(1, 64 * Page.PAGE_SIZE, RW, null, 0, false, -1, true);
    p.fork(1, 2);
    long obj = k.objectAllocator().kmalloc(1, 3000, io.mmsim.api.mem.Gfp.KERNEL);
    p.write(2, 1, addr, new byte[] {7}); // copy-on-write on the child's CPU
    assertThat(k.memmap().word0()[(int) pfnOf(k, 2, addr)])
        .isEqualTo((int) (2L << 8 | (addr >>> Page.PAGE_SHIFT) >>> 32));
    p.checkInvariants();
    k.objectAllocator().checkInvariants();
    k.pageAllocator().checkInvariants();
    k.objectAllocator().kfree(1, obj);
  }

  @Test
  void memmap_mappedPage_holdsItsReverseMapKey() {
    Kernel k = boot();
    Processes p = k.processes();
    p.spawn(3);
    long addr = p.mmap(3, Page.PAGE_SIZE, RW, null, 0, false, -1, false);
    p.write(3, 0, addr, new byte[] {1});
    long pfn = pfnOf(k, 3, addr);

    // key = pid << 40 | vpn: the high word pid << 8 | vpn >>> 32, the low word vpn's low 32 bits
    long vpn = addr >>> Page.PAGE_SHIFT;
    assertThat(k.memmap().word0()[(int) pfn]).isEqualTo((int) (3L << 8 | vpn >>> 32));
    assertThat(k.memmap().word1()[(int) pfn]).isEqualTo((int) vpn);

    p.munmap(3, addr, Page.PAGE_SIZE);
    // back with the page allocator, whose list links the words hold now
    assertThat(k.frameMap().use(pfn)).isIn(FrameUse.PCP, FrameUse.FREE);
    p.checkInvariants();
    k.pageAllocator().checkInvariants();
  }

  @Test
  void checkInvariants_userPageWordOverwritten_isCaught() {
    Kernel k = boot();
    Processes p = k.processes();
    int pfn = (int) writtenPage(k);
    Memmap m = k.memmap();
    int saved = m.word0()[pfn];
    m.word0()[pfn] = -3; // a large kmalloc mark written over the key

    assertThatThrownBy(p::checkInvariants)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(String.format("pfn 0x%x: words 0xfffffffd, 0x", pfn))
        .hasMessageContaining("are no reverse-map key");

    m.word0()[pfn] = saved;
    p.checkInvariants();
  }

  @Test
  void checkInvariants_userPageMarkedSharedWithoutEntry_isCaught() {
    Kernel k = boot();
    Processes p = k.processes();
    int pfn = (int) writtenPage(k);
    Memmap m = k.memmap();
    int hi = m.word0()[pfn];
    int lo = m.word1()[pfn];
    m.word0()[pfn] = Integer.MIN_VALUE; // the mark of a page mapped more than once
    m.word1()[pfn] = 0;

    assertThatThrownBy(p::checkInvariants)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(String.format("pfn 0x%x: words 0x80000000, 0x0 mark it mapped", pfn))
        .hasMessageContaining("no entry");

    m.word0()[pfn] = hi;
    m.word1()[pfn] = lo;
    p.checkInvariants();
  }

  @Test
  void kfree_addressOfAUserPage_isNoSlabObjectWhateverItsWords() {
    Kernel k = boot();
    Processes p = k.processes();
    long pfn = writtenPage(k);
    // the page's high word is a small positive number, as a slab id would be
    assertThat(k.memmap().word0()[(int) pfn]).isPositive();
    long va = KernelLayout.va(Page.pfnToPhys(pfn));

    assertThatThrownBy(() -> k.objectAllocator().kfree(0, va + 64))
        .isInstanceOf(BadAddressException.class)
        .hasMessageContaining("not");
    p.checkInvariants();
    k.objectAllocator().checkInvariants();
  }

  @Test
  void frameMap_slabAndUserAndFreeFrames_neverShareAFrame() {
    Kernel k = boot();
    Processes p = k.processes();
    p.spawn(1);
    long addr = p.mmap(1, 16 * Page.PAGE_SIZE, RW, null, 0, false, -1, true);
    long obj = k.objectAllocator().kmalloc(0, 100, io.mmsim.api.mem.Gfp.KERNEL);
    FrameMap map = k.frameMap();

    long slabPfn = Page.physToPfn(KernelLayout.pa(obj));
    assertThat(map.use(slabPfn)).isEqualTo(FrameUse.SLAB);
    for (long a = addr; a < addr + 16 * Page.PAGE_SIZE; a += Page.PAGE_SIZE) {
      assertThat(map.use(pfnOf(k, 1, a))).isEqualTo(FrameUse.ANON);
    }
    p.checkInvariants();
    k.objectAllocator().checkInvariants();
    k.pageAllocator().checkInvariants();
  }

  /** Spawns pid 1 with one written anonymous page and returns that page's frame. */
  private static long writtenPage(Kernel k) {
    Processes p = k.processes();
    p.spawn(1);
    long addr = p.mmap(1, Page.PAGE_SIZE, RW, null, 0, false, -1, false);
    p.write(1, 0, addr, new byte[] {1});
    return pfnOf(k, 1, addr);
  }

  private static long pfnOf(Kernel k, int pid, long addr) {
    FrameMap m = k.frameMap();
    for (long f = 0; f < m.frames(); f++) {
      if (m.use(f) == FrameUse.PAGE_TABLE && ("pid " + pid + " PGD").equals(m.owner(f))) {
        return Page.physToPfn(k.pageTable().virtToPhys(f, addr));
      }
    }
    throw new AssertionError("no PGD for pid " + pid);
  }
}
