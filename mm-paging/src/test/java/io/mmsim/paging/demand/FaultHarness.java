package io.mmsim.paging.demand;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.mmsim.api.fault.AddressSpace;
import io.mmsim.api.fault.FaultContext;
import io.mmsim.api.fault.FaultHandler;
import io.mmsim.api.fault.FaultOutcome;
import io.mmsim.api.fault.FileBacking;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.fault.Vma;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageFault;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.paging.Regs;
import io.mmsim.api.spi.Settings;
import io.mmsim.paging.TestMachine;
import io.mmsim.paging.TestPageAllocator;

/**
 * What the demand handler needs around it, and no more: the real {@code x86_64} page table and MMU
 * (built through their provider), a page allocator, a plain {@link FaultContext} that keeps exactly
 * what the interface describes (reference counts, which pages are anonymous, the reverse map and a
 * page cache, in maps), and the CPU's side of a fault (translate, hand the fault to the handler,
 * retry). It has no fork or reclaim of its own: a test that needs a page shared between address
 * spaces states it with {@link #shareFrame}, and {@link #teardown} unmaps through the same
 * interface the handler uses.
 */
final class FaultHarness implements FaultContext {
  final TestMachine machine;
  final PageTable pt;
  final PhysicalMemory mem;
  final TestPageAllocator alloc;
  final FaultHandler handler;
  final long zeroPfn;
  final Map<Long, Integer> refs = new HashMap<>();
  final Set<Long> anon = new HashSet<>();
  final Map<Long, Set<Mapping>> rmap = new HashMap<>();
  final Map<FileBacking, Map<Long, Long>> cache = new IdentityHashMap<>();
  final Map<Long, CacheKey> cacheOwner = new HashMap<>();
  final List<FakeMm> processes = new ArrayList<>();
  private FakeMm current;

  /**
   * Runs once inside the next {@link #allocUserPage}, before the frame is taken: what reclaim does
   * to other mappings while an allocation waits for memory.
   */
  Runnable duringAllocation;

  record Mapping(int pid, long addr) {}

  record CacheKey(FileBacking file, long offset) {}

  /** The outcome of one access: the physical address or -1, and every fault on the way. */
  record Result(long phys, List<FaultOutcome> outcomes, List<Integer> errorCodes) {
    FaultOutcome last() {
      return outcomes.isEmpty() ? null : outcomes.get(outcomes.size() - 1);
    }
  }

  FaultHarness(TestMachine machine, boolean zeroPage) {
    this.machine = machine;
    this.pt = machine.pageTable;
    this.mem = machine.memory;
    this.alloc = machine.allocator;
    DemandPagingProvider provider = new DemandPagingProvider();
    this.handler =
        provider.create(
            new io.mmsim.api.spi.ProviderContext() {
              @Override
              public io.mmsim.api.mem.MemoryLayout layout() {
                return machine.layout;
              }

              @Override
              public Settings settings() {
                return Settings.empty("demand");
              }

              @Override
              public String loggerName() {
                return "io.mmsim.paging.demand";
              }

              @Override
              public long seed() {
                return 1;
              }
            });
    if (zeroPage) {
      zeroPfn = alloc.allocPages(0, Gfp.KERNEL, 0);
      mem.zeroPage(zeroPfn);
    } else {
      zeroPfn = -1;
    }
  }

  static FaultHarness create(boolean zeroPage, String... settings) {
    return new FaultHarness(TestMachine.of(16384, settings), zeroPage);
  }

  // ---------------------------------------------------------------- processes and areas

  FakeMm spawn(int pid) {
    long root = pt.createAddressSpace();
    assertThat(root).isNotEqualTo(PageTable.NO_ROOT);
    FakeMm mm = new FakeMm(pid, root);
    processes.add(mm);
    return mm;
  }

  FakeVma mmap(
      FakeMm mm, long start, long pages, int prot, boolean shared, FakeFile file, long fileOffset) {
    FakeVma v = new FakeVma(start, start + pages * Page.PAGE_SIZE, prot, shared, file, fileOffset);
    mm.vmas.add(v);
    return v;
  }

  /** A new address space with the same areas as {@code like} and nothing mapped yet. */
  FakeMm spawnLike(FakeMm like, int pid) {
    FakeMm mm = spawn(pid);
    mm.vmas.addAll(like.vmas);
    return mm;
  }

  /**
   * States that the page {@code from} maps at {@code addr} is shared with {@code to} as fork leaves
   * it: the same entry in both, write-protected in both when the area is private ({@code
   * mm/memory.c: copy_present_pte}), and one more reference unless it is the zero page.
   */
  void shareFrame(FakeMm from, FakeMm to, long addr) {
    long e = pt.readPte(from.root, addr);
    assertThat(Pte.present(e)).as("0x%x mapped in pid %d", addr, from.pid).isTrue();
    if (!from.findVma(addr).shared() && (e & Pte.RW) != 0) {
      e &= ~Pte.RW;
      pt.writePte(from.root, addr, e);
      pt.flushTlbPage(addr);
    }
    assertThat(pt.writePte(to.root, addr, e)).isTrue();
    if ((e & Pte.SPECIAL) == 0) {
      pageAddRmap(Pte.pfn(e), to, addr);
    }
  }

  /** Unmaps every page through {@link #pageRemoveRmap} and destroys the address space. */
  void teardown(FakeMm mm) {
    List<long[]> entries = new ArrayList<>();
    pt.walkRange(mm.root, 0, pt.taskSizeMax(), (va, e) -> entries.add(new long[] {va, e}));
    for (long[] ve : entries) {
      pt.writePte(mm.root, ve[0], 0);
      pt.flushTlbPage(ve[0]);
      if (Pte.present(ve[1]) && (ve[1] & Pte.SPECIAL) == 0) {
        pageRemoveRmap(Pte.pfn(ve[1]), mm, ve[0]);
      }
    }
    pt.destroyAddressSpace(mm.root);
    processes.remove(mm);
  }

  /** Drops every page-cache page (no mapping may remain). */
  void dropCaches() {
    for (Map<Long, Long> pages : cache.values()) {
      for (long pfn : pages.values()) {
        assertThat(refs.get(pfn)).as("cache page 0x%x still mapped", pfn).isEqualTo(1);
        refs.remove(pfn);
        cacheOwner.remove(pfn);
        alloc.freePages(0, pfn, 0);
      }
    }
    cache.clear();
  }

  // ---------------------------------------------------------------- the access loop

  Result access(FakeMm mm, long addr, int access, boolean user) {
    Mmu mmu = pt.mmu(0);
    if (mmu.cr3() != mm.root) {
      mmu.loadCr3(mm.root);
    }
    current = mm;
    List<FaultOutcome> outcomes = new ArrayList<>();
    List<Integer> codes = new ArrayList<>();
    for (int attempt = 0; attempt < 4; attempt++) {
      long pa = mmu.translate(addr, access, user);
      if (pa >= 0) {
        return new Result(pa, outcomes, codes);
      }
      if (pa == Mmu.GP_FAULT) {
        return new Result(Mmu.GP_FAULT, outcomes, codes);
      }
      codes.add(mmu.errorCode());
      FaultOutcome o =
          handler.handleMmFault(
              this,
              new PageFault(mmu.cr2(), mmu.errorCode(), new Regs(0x401000, 0x7ffc0000, 0, user)));
      outcomes.add(o);
      if (!o.resolved()) {
        return new Result(-1, outcomes, codes);
      }
    }
    throw new AssertionError("fault loop at 0x" + Long.toHexString(addr) + ": " + outcomes);
  }

  /** One handler call for a hand-made fault on behalf of {@code mm}. */
  FaultOutcome fault(FakeMm mm, long cr2, int errorCode) {
    current = mm;
    return handler.handleMmFault(
        this, new PageFault(cr2, errorCode, new Regs(0, 0, 0, (errorCode & 4) != 0)));
  }

  // ---------------------------------------------------------------- FaultContext

  @Override
  public AddressSpace mm() {
    return current;
  }

  @Override
  public PageTable pageTable() {
    return pt;
  }

  @Override
  public PhysicalMemory memory() {
    return mem;
  }

  @Override
  public long allocUserPage() {
    Runnable reclaim = duringAllocation;
    duringAllocation = null;
    if (reclaim != null) {
      reclaim.run();
    }
    long pfn = alloc.allocPages(0, Gfp.HIGHUSER_MOVABLE, 0);
    if (pfn != PageAllocator.NO_PAGE) {
      // contents are undefined: make that visible
      mem.fill(Page.pfnToPhys(pfn), Page.PAGE_SIZE, (byte) 0xa5);
    }
    return pfn;
  }

  @Override
  public void freeUserPage(long pfn) {
    assertThat(refs).as("freeUserPage of a page in use").doesNotContainKey(pfn);
    alloc.freePages(0, pfn, 0);
  }

  @Override
  public long zeroPfn() {
    return zeroPfn;
  }

  @Override
  public int pageCount(long pfn) {
    return refs.getOrDefault(pfn, 0);
  }

  @Override
  public boolean pageAnon(long pfn) {
    return anon.contains(pfn);
  }

  @Override
  public void pageAddNewAnonRmap(long pfn, AddressSpace mm, long linear) {
    assertThat(refs).as("new anon page 0x%x already known", pfn).doesNotContainKey(pfn);
    assertThat(pfn).isNotEqualTo(zeroPfn);
    refs.put(pfn, 1);
    anon.add(pfn);
    rmap.computeIfAbsent(pfn, k -> new HashSet<>()).add(new Mapping(mm.pid(), linear));
  }

  @Override
  public void pageAddRmap(long pfn, AddressSpace mm, long linear) {
    assertThat(refs).as("rmap of an unknown page 0x%x", pfn).containsKey(pfn);
    refs.merge(pfn, 1, Integer::sum);
    assertThat(rmap.computeIfAbsent(pfn, k -> new HashSet<>()).add(new Mapping(mm.pid(), linear)))
        .isTrue();
  }

  @Override
  public void pageRemoveRmap(long pfn, AddressSpace mm, long linear) {
    Set<Mapping> maps = rmap.get(pfn);
    assertThat(maps).as("rmap of 0x%x", pfn).isNotNull();
    assertThat(maps.remove(new Mapping(mm.pid(), linear)))
        .as("mapping of 0x%x at 0x%x", pfn, linear)
        .isTrue();
    if (maps.isEmpty()) {
      rmap.remove(pfn);
    }
    int left = refs.merge(pfn, -1, Integer::sum);
    if (left == 0) {
      refs.remove(pfn);
      anon.remove(pfn);
      alloc.freePages(0, pfn, 0);
    }
  }

  @Override
  public long pageCacheFind(FileBacking file, long offset) {
    assertThat(offset % Page.PAGE_SIZE).isZero();
    Map<Long, Long> pages = cache.get(file);
    Long pfn = pages == null ? null : pages.get(offset);
    return pfn == null ? PageAllocator.NO_PAGE : pfn;
  }

  @Override
  public void pageCacheAdd(FileBacking file, long offset, long pfn) {
    assertThat(pageCacheFind(file, offset)).isEqualTo(PageAllocator.NO_PAGE);
    assertThat(refs).doesNotContainKey(pfn);
    cache.computeIfAbsent(file, k -> new LinkedHashMap<>()).put(offset, pfn);
    cacheOwner.put(pfn, new CacheKey(file, offset));
    refs.put(pfn, 1);
  }

  // ---------------------------------------------------------------- consistency

  /** Reference counts equal mappings found in the tables plus the cache's reference. */
  void checkConsistency() {
    pt.checkInvariants();
    alloc.checkInvariants();
    Map<Long, Integer> mapped = new HashMap<>();
    for (FakeMm mm : processes) {
      pt.walkRange(
          mm.root,
          0,
          pt.taskSizeMax(),
          (va, e) -> {
            if (!Pte.present(e)) {
              return;
            }
            Vma v = mm.findVma(va);
            assertThat(v).as("pid %d: entry at 0x%x outside any area", mm.pid, va).isNotNull();
            long pfn = Pte.pfn(e);
            if ((e & Pte.SPECIAL) != 0) {
              assertThat(pfn).isEqualTo(zeroPfn);
              assertThat(e & Pte.RW).as("zero page mapped writable").isZero();
              return;
            }
            mapped.merge(pfn, 1, Integer::sum);
            assertThat(rmap.get(pfn)).as("rmap of 0x%x", pfn).contains(new Mapping(mm.pid, va));
            if ((e & Pte.RW) != 0 && !v.shared()) {
              assertThat(refs.get(pfn))
                  .as("private writable page 0x%x is exclusive", pfn)
                  .isEqualTo(1);
              assertThat(anon).contains(pfn);
            }
          });
    }
    for (Map.Entry<Long, Integer> e : refs.entrySet()) {
      long pfn = e.getKey();
      int expected = mapped.getOrDefault(pfn, 0) + (cacheOwner.containsKey(pfn) ? 1 : 0);
      assertThat(e.getValue()).as("refcount of 0x%x", pfn).isEqualTo(expected);
      assertThat(alloc.allocated(pfn)).isTrue();
      assertThat(anon.contains(pfn)).isNotEqualTo(cacheOwner.containsKey(pfn));
    }
    assertThat(refs.keySet()).containsAll(mapped.keySet());
    if (zeroPfn >= 0) {
      assertThat(mem.isUnpopulated(zeroPfn)).as("zero page stays zero").isTrue();
    }
  }

  // ---------------------------------------------------------------- test doubles

  /** A process's address space. */
  static final class FakeMm implements AddressSpace {
    final int pid;
    final long root;
    final List<Vma> vmas = new ArrayList<>();

    FakeMm(int pid, long root) {
      this.pid = pid;
      this.root = root;
    }

    @Override
    public int pid() {
      return pid;
    }

    @Override
    public long root() {
      return root;
    }

    @Override
    public Vma findVma(long addr) {
      for (Vma v : vmas) {
        if (Long.compareUnsigned(addr, v.start()) >= 0 && Long.compareUnsigned(addr, v.end()) < 0) {
          return v;
        }
      }
      return null;
    }
  }

  /** An area. */
  record FakeVma(long start, long end, int prot, boolean shared, FakeFile file, long fileOffset)
      implements Vma {
    @Override
    public boolean anonymous() {
      return file == null || file.shmem();
    }

    @Override
    public String toString() {
      return String.format(
          "[0x%x, 0x%x) %s%s %s",
          start, end, Prot.format(prot), shared ? "s" : "p", file == null ? "anon" : file.path());
    }
  }

  /** A file of fixed contents (or a shmem object reading as zeros). */
  static final class FakeFile implements FileBacking {
    final String path;
    final byte[] contents;
    final boolean shmem;
    int reads;
    int writes;

    FakeFile(String path, byte[] contents, boolean shmem) {
      this.path = path;
      this.contents = contents;
      this.shmem = shmem;
    }

    static FakeFile of(String path, int size, long seed) {
      byte[] b = new byte[size];
      new java.util.SplittableRandom(seed).nextBytes(b);
      return new FakeFile(path, b, false);
    }

    static FakeFile shmem(int size) {
      return new FakeFile("/dev/zero (deleted)", new byte[size], true);
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public long inode() {
      return Objects.hash(path) & 0xffffL;
    }

    @Override
    public int device() {
      return 8 << 8 | 1;
    }

    @Override
    public boolean readPage(long offset, byte[] dst) {
      reads++;
      if (offset >= contents.length) {
        return false;
      }
      int n = (int) Math.min(Page.PAGE_SIZE, contents.length - offset);
      System.arraycopy(contents, (int) offset, dst, 0, n);
      Arrays.fill(dst, n, Page.PAGE_SIZE, (byte) 0);
      return true;
    }

    @Override
    public void writePage(long offset, byte[] src) {
      writes++;
      int n = (int) Math.min(Page.PAGE_SIZE, contents.length - offset);
      System.arraycopy(src, 0, contents, (int) offset, n);
    }

    @Override
    public boolean shmem() {
      return shmem;
    }
  }
}
