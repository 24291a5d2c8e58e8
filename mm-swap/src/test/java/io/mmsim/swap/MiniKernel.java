package io.mmsim.swap;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import io.mmsim.api.Statistics;
import io.mmsim.api.fault.AddressSpace;
import io.mmsim.api.fault.FaultContext;
import io.mmsim.api.fault.FaultHandler;
import io.mmsim.api.fault.FaultOutcome;
import io.mmsim.api.fault.FileBacking;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.fault.Vma;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageFault;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.paging.Regs;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.swap.ReclaimContext;
import io.mmsim.api.swap.ReclaimMode;
import io.mmsim.api.swap.SwapContext;
import io.mmsim.api.swap.SwapSystem;
import io.mmsim.api.trace.Tracer;
import io.mmsim.paging.demand.DemandPagingProvider;

/**
 * The kernel around the swap subsystem, reduced to what swap needs: frames with reference and map
 * counts, processes with one anonymous read-write area each, a reverse map, a global policy (keys =
 * PFNs) and optional per-process policies (keys = virtual page numbers), the ReclaimContexts of
 * both scopes, and the fault chain {@code swap,demand} with the real demand handler from mm-paging.
 *
 * <p>Every mm-api collaborator is a plain class that implements its interface as the interface
 * describes ({@link Frames}, {@link Entries}, {@link Area}, {@link Mm}, the scopes and the fault
 * context); what this harness does not model (tables in frames, an MMU and its TLB, zones other
 * than DMA) is refused with {@link UnsupportedOperationException}. An access checks the entry the
 * way a CPU does (present, writable for a write), sets Accessed and Dirty, and otherwise raises a
 * fault with the error code the CPU would push and retries.
 *
 * <p>{@link #checkInvariants()} verifies the integration contract of io.mmsim.api.swap: every
 * slot's count equals the swap PTEs that hold it, every frame's references equal its mappings plus
 * the swap cache, no frame leaks.
 */
final class MiniKernel {
  static final long AREA_PAGES = 1L << 18;
  private static final long PID_SHIFT = 40;

  final int frames;
  final PhysicalMemory memory;
  final SwapSubsystem swap;
  final SwapFaultHandler handler;
  final FaultHandler demand;
  final ReplacementPolicy global;
  final ReclaimContext globalRc;
  final PageTable pageTable;
  final PageAllocator pageAllocator;

  /** The swap system's tracer: silent until a test subscribes to it. */
  final Tracer tracer = new Tracer();

  private final Frames pool;
  private final boolean[] allocated;
  private final int[] refs;
  private final int[] maps;
  private final Map<Long, TreeSet<Long>> rmap = new HashMap<>();

  /** Mappings per (pid, virtual page): 2 only inside a copy-on-write, between its two steps. */
  private final Map<Long, Integer> vpnMappings = new HashMap<>();

  private final TreeMap<Long, Long> ptes = new TreeMap<>();
  private final Map<Integer, Proc> procs = new LinkedHashMap<>();
  long faults;
  long majorFaults;
  long oomOutcomes;
  long sigbus;

  /** One process's only area: anonymous, private, read-write, {@link #AREA_PAGES} pages at 0. */
  record Area(long start, long end) implements Vma {
    @Override
    public int prot() {
      return Prot.READ | Prot.WRITE;
    }

    @Override
    public boolean shared() {
      return false;
    }

    @Override
    public boolean anonymous() {
      return true;
    }

    @Override
    public FileBacking file() {
      return null;
    }

    @Override
    public long fileOffset() {
      return 0;
    }
  }

  /** A process's address space: its root is its pid, its one area covers [0, AREA_PAGES). */
  record Mm(int pid, Area area) implements AddressSpace {
    @Override
    public long root() {
      return pid;
    }

    @Override
    public Vma findVma(long addr) {
      return addr >= area.start() && addr < area.end() ? area : null;
    }
  }

  /** One process: its address space, area, optional resident limit and policy. */
  final class Proc {
    final int pid;
    final Mm mm;
    final Vma vma;
    final ReplacementPolicy policy;
    final int rssLimit;
    final ReclaimContext rc;
    final FaultContext fc;
    int rss;

    Proc(int pid, ReplacementPolicy policy, int rssLimit) {
      this.pid = pid;
      this.policy = policy;
      this.rssLimit = rssLimit;
      this.mm = new Mm(pid, new Area(0, AREA_PAGES << Page.PAGE_SHIFT));
      this.vma = mm.area();
      this.rc = new ProcessScope(this);
      this.fc = new Faults(this);
    }
  }

  /** A process's reclaim scope: keys are its virtual page numbers. */
  private final class ProcessScope implements ReclaimContext {
    private final Proc p;

    ProcessScope(Proc p) {
      this.p = p;
    }

    @Override
    public long pfnOf(long vpn) {
      long pte = pte(p.pid, vpn);
      return Pte.present(pte) ? Pte.pfn(pte) : SwapSystem.NO_PAGE;
    }

    @Override
    public int kind(long vpn, long pfn) {
      return ReclaimContext.ANON;
    }

    @Override
    public boolean testAndClearYoung(long vpn) {
      long pte = pte(p.pid, vpn);
      if (Pte.present(pte) && (pte & Pte.ACCESSED) != 0) {
        setPte(p.pid, vpn, pte & ~Pte.ACCESSED);
        return true;
      }
      return false;
    }

    @Override
    public boolean unmapToSwap(long vpn, long pfn, long entry) {
      return unmapOne(p.pid, vpn, pfn, entry);
    }

    /** Every page here is anonymous: there is no file page to evict. */
    @Override
    public boolean evictFilePage(long vpn, long pfn) {
      return false;
    }
  }

  /** The global reclaim scope: keys are PFNs, operations act on every mapping of the frame. */
  private final class GlobalScope implements ReclaimContext {
    @Override
    public long pfnOf(long pfn) {
      return pfn > 0 && pfn < frames && maps[(int) pfn] > 0 ? pfn : SwapSystem.NO_PAGE;
    }

    @Override
    public int kind(long pfn, long same) {
      return ReclaimContext.ANON;
    }

    @Override
    public boolean testAndClearYoung(long pfn) {
      boolean young = false;
      for (long m : new TreeSet<>(rmap.getOrDefault(pfn, new TreeSet<>()))) {
        int pid = (int) (m >>> PID_SHIFT);
        long vpn = m & ((1L << PID_SHIFT) - 1);
        long pte = pte(pid, vpn);
        if ((pte & Pte.ACCESSED) != 0) {
          setPte(pid, vpn, pte & ~Pte.ACCESSED);
          young = true;
        }
      }
      return young;
    }

    @Override
    public boolean unmapToSwap(long pfn, long same, long entry) {
      boolean dirty = false;
      for (long m : new TreeSet<>(rmap.getOrDefault(pfn, new TreeSet<>()))) {
        dirty |= unmapOne((int) (m >>> PID_SHIFT), m & ((1L << PID_SHIFT) - 1), pfn, entry);
      }
      return dirty;
    }

    /** Every page here is anonymous: there is no file page to evict. */
    @Override
    public boolean evictFilePage(long pfn, long same) {
      return false;
    }
  }

  /** What a fault handler sees while it resolves a fault of one process. */
  private final class Faults implements FaultContext {
    private final Proc p;

    Faults(Proc p) {
      this.p = p;
    }

    @Override
    public AddressSpace mm() {
      return p.mm;
    }

    @Override
    public PageTable pageTable() {
      return pageTable;
    }

    @Override
    public PhysicalMemory memory() {
      return memory;
    }

    @Override
    public long allocUserPage() {
      return MiniKernel.this.allocUserPage();
    }

    @Override
    public void freeUserPage(long pfn) {
      if (refs[(int) pfn] != 0 || maps[(int) pfn] != 0) {
        throw new AssertionError("freeUserPage of pfn " + pfn + " with refs " + refs[(int) pfn]);
      }
      freeFrame(pfn);
    }

    /** No shared zero page: every first touch gets a frame of its own. */
    @Override
    public long zeroPfn() {
      return -1;
    }

    @Override
    public int pageCount(long pfn) {
      return refs[(int) pfn];
    }

    @Override
    public boolean pageAnon(long pfn) {
      return true;
    }

    @Override
    public void pageAddNewAnonRmap(long pfn, AddressSpace mm, long linear) {
      if (refs[(int) pfn] != 0) {
        throw new AssertionError("new anon page " + pfn + " already has references");
      }
      refs[(int) pfn] = 1;
      addMapping(mm.pid(), vpnOf(linear), pfn);
    }

    @Override
    public void pageAddRmap(long pfn, AddressSpace mm, long linear) {
      refs[(int) pfn]++;
      addMapping(mm.pid(), vpnOf(linear), pfn);
    }

    @Override
    public void pageRemoveRmap(long pfn, AddressSpace mm, long linear) {
      removeMapping(mm.pid(), vpnOf(linear), pfn, true);
    }

    /** Every area is anonymous: there is no page cache. */
    @Override
    public long pageCacheFind(FileBacking file, long offset) {
      throw new UnsupportedOperationException("MiniKernel has no page cache");
    }

    /** Every area is anonymous: there is no page cache. */
    @Override
    public void pageCacheAdd(FileBacking file, long offset, long pfn) {
      throw new UnsupportedOperationException("MiniKernel has no page cache");
    }
  }

  MiniKernel(int frames, ReplacementPolicy global, Map<String, String> swapSettings) {
    this.frames = frames;
    this.memory = new PhysicalMemory(frames);
    this.allocated = new boolean[frames];
    this.refs = new int[frames];
    this.maps = new int[frames];
    this.pool = new Frames(frames);
    this.global = global;
    this.pageTable = new Entries();
    this.pageAllocator = pool;
    this.globalRc = new GlobalScope();
    SwapSystemProvider provider = new SwapSystemProvider();
    Map<String, String> values = new LinkedHashMap<>(provider.defaultSettings());
    for (Map.Entry<String, String> e : swapSettings.entrySet()) {
      if (!values.containsKey(e.getKey())) {
        throw new IllegalArgumentException("unknown swap setting " + e.getKey());
      }
      values.put(e.getKey(), e.getValue());
    }
    Settings settings = new Settings("swap", values);
    SwapContext ctx = new Ctx(new MemoryLayout(frames, 1), settings);
    this.swap = (SwapSubsystem) provider.create(ctx);
    this.handler = new SwapFaultHandler(swap, new io.mmsim.api.trace.Tracer());
    DemandPagingProvider demandProvider = new DemandPagingProvider();
    this.demand =
        demandProvider.create(
            new ProviderContext() {
              @Override
              public MemoryLayout layout() {
                return ctx.layout();
              }

              @Override
              public Settings settings() {
                return new Settings(demandProvider.name(), demandProvider.defaultSettings());
              }

              @Override
              public String loggerName() {
                return "io.mmsim.swap.test";
              }

              @Override
              public long seed() {
                return 1234;
              }
            });
  }

  /** The SwapContext the swap provider receives. */
  private final class Ctx implements SwapContext {
    private final MemoryLayout layout;
    private final Settings settings;

    Ctx(MemoryLayout layout, Settings settings) {
      this.layout = layout;
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
      return "io.mmsim.swap.test";
    }

    @Override
    public long seed() {
      return 1234;
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
    public Tracer tracer() {
      return tracer;
    }

    @Override
    public String caller() {
      return "test";
    }

    @Override
    public void getPage(long pfn) {
      if (!allocated[(int) pfn]) {
        throw new AssertionError("getPage of free frame " + pfn);
      }
      refs[(int) pfn]++;
    }

    @Override
    public void putPage(long pfn) {
      if (refs[(int) pfn] <= 0) {
        throw new AssertionError("putPage of frame " + pfn + " with no reference");
      }
      if (--refs[(int) pfn] == 0) {
        if (maps[(int) pfn] != 0) {
          throw new AssertionError("frame " + pfn + " freed while mapped " + maps[(int) pfn]);
        }
        freeFrame(pfn);
      }
    }

    @Override
    public int mapCount(long pfn) {
      return maps[(int) pfn];
    }
  }

  // ---------------------------------------------------------------- the page allocator

  /**
   * The machine's frames as a page allocator of order-0 pages, all in the DMA zone: frame 0 stays
   * reserved, freed frames queue behind the others, and the watermarks are what the test sets with
   * {@link #watermarks} (min is half of low). Everything else a page allocator does (higher orders,
   * per-CPU lists, the boot hand-off) is not modelled.
   */
  private static final class Frames implements PageAllocator {
    private final ArrayDeque<Long> free = new ArrayDeque<>();
    private long low;
    private long high;
    private final int frames;

    Frames(int frames) {
      this.frames = frames;
      for (long p = 1; p < frames; p++) {
        free.add(p);
      }
    }

    @Override
    public String name() {
      return "mini-frames";
    }

    @Override
    public Statistics statistics() {
      return Statistics.builder().put("nr_free_pages", free.size()).build();
    }

    @Override
    public void checkInvariants() {
      if (free.size() != new java.util.HashSet<>(free).size()) {
        throw new AssertionError("a frame is queued twice: " + free);
      }
    }

    @Override
    public long allocPages(int cpu, int gfp, int order) {
      if (order != 0) {
        throw new UnsupportedOperationException("MiniKernel hands out order-0 frames only");
      }
      Long pfn = free.poll();
      return pfn == null ? NO_PAGE : pfn;
    }

    @Override
    public void freePages(int cpu, long pfn, int order) {
      if (order != 0) {
        throw new UnsupportedOperationException("MiniKernel hands out order-0 frames only");
      }
      free.add(pfn);
    }

    @Override
    public void freeBootPages(long pfn, int order) {
      throw new UnsupportedOperationException("MiniKernel has no boot hand-off");
    }

    @Override
    public void completeBoot() {
      throw new UnsupportedOperationException("MiniKernel has no boot hand-off");
    }

    @Override
    public void drainPages(int cpu) {
      // no per-CPU lists
    }

    @Override
    public void drainAllPages() {
      // no per-CPU lists
    }

    @Override
    public long nrFreePages() {
      return free.size();
    }

    @Override
    public long nrFreePages(Zone zone) {
      return zone == Zone.DMA ? free.size() : 0;
    }

    @Override
    public long managedPages() {
      throw new UnsupportedOperationException("MiniKernel does not count managed pages");
    }

    @Override
    public long watermark(Zone zone, Watermark mark) {
      if (zone != Zone.DMA) {
        return 0;
      }
      return switch (mark) {
        case MIN -> low / 2;
        case LOW -> low;
        case HIGH -> high;
      };
    }

    @Override
    public ZoneStats zoneStats(Zone zone) {
      if (zone != Zone.DMA) {
        throw new IllegalArgumentException("MiniKernel has the DMA zone only, not " + zone);
      }
      // every frame but the reserved frame 0 is managed; free frames are order-0 blocks
      long[] blocks = new long[Page.NR_PAGE_ORDERS];
      blocks[0] = free.size();
      return new ZoneStats(
          zone,
          0,
          frames,
          frames,
          frames - 1,
          free.size(),
          low / 2,
          low,
          high,
          blocks,
          new int[] {0},
          0,
          1);
    }

    @Override
    public int metadataBytesPerFrame() {
      throw new UnsupportedOperationException("MiniKernel keeps no per-frame metadata");
    }
  }

  // ---------------------------------------------------------------- the page table

  /**
   * User entries of every process, in a map keyed by pid and virtual page number (the root of a
   * process is its pid). There are no table frames, no kernel half, no MMU and no TLB: a flush has
   * nothing to drop, and the rest of the page-table interface is not modelled.
   */
  private final class Entries implements PageTable {
    @Override
    public long readPte(long root, long linear) {
      return pte(pidOfRoot(root), vpnOf(linear));
    }

    @Override
    public boolean writePte(long root, long linear, long pte) {
      setPte(pidOfRoot(root), vpnOf(linear), pte);
      return true;
    }

    /** Every bit: an x86-64 CPU with EFER.NXE on. */
    @Override
    public long supportedPteMask() {
      return -1L;
    }

    @Override
    public boolean isCanonical(long linear) {
      return (linear << 16) >> 16 == linear;
    }

    @Override
    public long taskSizeMax() {
      return KernelLayout.TASK_SIZE_MAX;
    }

    @Override
    public void flushTlbPage(long linear) {
      // no TLB
    }

    @Override
    public void flushTlbMm(long root) {
      // no TLB
    }

    @Override
    public int levels() {
      return 4;
    }

    @Override
    public int virtualAddressBits() {
      return 48;
    }

    @Override
    public boolean isRoot(long root) {
      return procs.containsKey(pidOfRoot(root));
    }

    @Override
    public long pageOffset() {
      throw unsupported("a direct map");
    }

    @Override
    public long kernelRoot() {
      throw unsupported("a kernel half");
    }

    @Override
    public long createAddressSpace() {
      throw unsupported("address spaces of its own (a process's root is its pid)");
    }

    @Override
    public void destroyAddressSpace(long root) {
      throw unsupported("address spaces of its own (a process's root is its pid)");
    }

    @Override
    public long readEntry(long root, long linear, int level) {
      throw unsupported("tables above the leaf entries");
    }

    @Override
    public void walkRange(long root, long start, long end, PteVisitor visitor) {
      throw unsupported("walks");
    }

    @Override
    public long freeEmptyTables(long root, long start, long end) {
      throw unsupported("table frames");
    }

    @Override
    public long virtToPhys(long root, long linear) {
      throw unsupported("virtToPhys");
    }

    @Override
    public long tablePages() {
      throw unsupported("table frames");
    }

    @Override
    public long kernelTablePages() {
      throw unsupported("table frames");
    }

    @Override
    public long tablePages(long root) {
      throw unsupported("table frames");
    }

    @Override
    public long directMapPages(long pageSize) {
      throw unsupported("a direct map");
    }

    @Override
    public Mmu mmu(int cpu) {
      throw unsupported("an MMU");
    }

    @Override
    public void checkInvariants() {
      // a map of entries has nothing derived to check
    }

    private UnsupportedOperationException unsupported(String what) {
      return new UnsupportedOperationException("MiniKernel's page table has no " + what);
    }
  }

  /** try_to_unmap_one: the PTE becomes the swap entry; returns its Dirty bit. */
  private boolean unmapOne(int pid, long vpn, long pfn, long entry) {
    long pte = pte(pid, vpn);
    if (!Pte.present(pte) || Pte.pfn(pte) != pfn) {
      throw new AssertionError(
          "unmap of pid " + pid + " vpn " + vpn + ": pte " + pte + " does not map pfn " + pfn);
    }
    setPte(pid, vpn, entry);
    swap.swapDuplicate(entry);
    removeMapping(pid, vpn, pfn, false);
    refs[(int) pfn]--;
    if (refs[(int) pfn] <= 0) {
      throw new AssertionError(
          "unmap dropped the last reference of pfn " + pfn + " though the swap cache holds one");
    }
    return (pte & Pte.DIRTY) != 0;
  }

  // ---------------------------------------------------------------- frames, PTEs, rmap

  private static long key(int pid, long vpn) {
    return (long) pid << PID_SHIFT | vpn;
  }

  private static int pidOfRoot(long root) {
    return (int) root;
  }

  private static long vpnOf(long linear) {
    return linear >>> Page.PAGE_SHIFT;
  }

  long pte(int pid, long vpn) {
    return ptes.getOrDefault(key(pid, vpn), 0L);
  }

  private void setPte(int pid, long vpn, long pte) {
    if (pte == 0) {
      ptes.remove(key(pid, vpn));
    } else {
      ptes.put(key(pid, vpn), pte);
    }
  }

  private long allocUserPage() {
    long pfn = pool.allocPages(0, 0, 0);
    if (pfn == PageAllocator.NO_PAGE) {
      swap.tryToFreePages(global, globalRc, 0);
      pfn = pool.allocPages(0, 0, 0);
    }
    if (pfn == PageAllocator.NO_PAGE) {
      return PageAllocator.NO_PAGE;
    }
    allocated[(int) pfn] = true;
    memory.fill(Page.pfnToPhys(pfn), Page.PAGE_SIZE, (byte) 0xa5); // contents undefined
    return pfn;
  }

  private void freeFrame(long pfn) {
    if (!allocated[(int) pfn]) {
      throw new AssertionError("double free of frame " + pfn);
    }
    allocated[(int) pfn] = false;
    pool.freePages(0, pfn, 0);
  }

  private void addMapping(int pid, long vpn, long pfn) {
    rmap.computeIfAbsent(pfn, k -> new TreeSet<>()).add(key(pid, vpn));
    if (maps[(int) pfn]++ == 0 && global != null) {
      global.insert(pfn);
    }
    // a copy-on-write maps the new frame before it unmaps the old one (mm/memory.c:
    // wp_page_copy): the virtual page stays resident throughout, once
    if (vpnMappings.merge(key(pid, vpn), 1, Integer::sum) == 1) {
      Proc p = procs.get(pid);
      p.rss++;
      if (p.policy != null) {
        p.policy.insert(vpn);
      }
    }
  }

  /**
   * Drops one mapping; {@code dropRef} also drops the mapping's frame reference (freeing the frame
   * at zero) and tells the swap system when a swap-cache page lost its last mapping.
   */
  private void removeMapping(int pid, long vpn, long pfn, boolean dropRef) {
    TreeSet<Long> s = rmap.get(pfn);
    if (s == null || !s.remove(key(pid, vpn))) {
      throw new AssertionError("no mapping of pfn " + pfn + " at pid " + pid + " vpn " + vpn);
    }
    if (s.isEmpty()) {
      rmap.remove(pfn);
    }
    if (vpnMappings.merge(key(pid, vpn), -1, Integer::sum) == 0) {
      vpnMappings.remove(key(pid, vpn));
      Proc p = procs.get(pid);
      p.rss--;
      if (p.policy != null) {
        p.policy.remove(vpn);
      }
    }
    if (--maps[(int) pfn] == 0 && global != null) {
      global.remove(pfn);
    }
    if (dropRef) {
      if (--refs[(int) pfn] == 0) {
        freeFrame(pfn);
      } else if (maps[(int) pfn] == 0 && swap.inSwapCache(pfn)) {
        swap.pageUnmapped(pfn);
      }
    }
  }

  // ---------------------------------------------------------------- processes

  Proc spawn(int pid, ReplacementPolicy policy, int rssLimit) {
    Proc p = new Proc(pid, policy, rssLimit);
    if (policy != null && rssLimit > 0) {
      policy.setCapacity(rssLimit);
    }
    procs.put(pid, p);
    return p;
  }

  Proc proc(int pid) {
    return procs.get(pid);
  }

  /** Copies the parent's PTEs: present anonymous pages become shared read-only (COW). */
  Proc fork(int parent, int child) {
    Proc c =
        spawn(
            child,
            procs.get(parent).policy == null ? null : newPolicyLike(parent),
            procs.get(parent).rssLimit);
    for (Map.Entry<Long, Long> e :
        new TreeMap<>(ptes.subMap(key(parent, 0), key(parent + 1, 0))).entrySet()) {
      long vpn = e.getKey() & ((1L << PID_SHIFT) - 1);
      long pte = e.getValue();
      if (Pte.present(pte)) {
        long pfn = Pte.pfn(pte);
        setPte(parent, vpn, pte & ~Pte.RW);
        setPte(child, vpn, pte & ~Pte.RW & ~Pte.ACCESSED);
        refs[(int) pfn]++;
        addMapping(child, vpn, pfn);
      } else {
        setPte(child, vpn, pte & ~Pte.SWP_EXCLUSIVE);
        setPte(parent, vpn, pte & ~Pte.SWP_EXCLUSIVE);
        swap.swapDuplicate(pte);
      }
    }
    return c;
  }

  private ReplacementPolicy newPolicyLike(int parent) {
    return policyFactory.get();
  }

  java.util.function.Supplier<ReplacementPolicy> policyFactory = () -> null;

  /** Zaps one page of a process (munmap of one page). */
  void unmap(int pid, long vpn) {
    long pte = pte(pid, vpn);
    if (pte == 0) {
      return;
    }
    setPte(pid, vpn, 0);
    if (Pte.present(pte)) {
      removeMapping(pid, vpn, Pte.pfn(pte), true);
    } else {
      swap.swapFree(pte);
    }
  }

  /** Ends a process: every PTE zapped. */
  void exit(int pid) {
    for (long k : new TreeSet<>(ptes.subMap(key(pid, 0), key(pid + 1, 0)).keySet())) {
      unmap(pid, k & ((1L << PID_SHIFT) - 1));
    }
    procs.remove(pid);
  }

  // ---------------------------------------------------------------- the MMU

  /**
   * Accesses page {@code vpn} of {@code pid}; returns the frame, or -1 when the access ended in a
   * signal or OOM (counted).
   */
  long access(int pid, long vpn, boolean write) {
    Proc p = procs.get(pid);
    for (int attempt = 0; attempt < 4; attempt++) {
      long pte = pte(pid, vpn);
      if (Pte.present(pte) && (!write || (pte & Pte.RW) != 0)) {
        setPte(pid, vpn, pte | Pte.ACCESSED | (write ? Pte.DIRTY : 0));
        // a hit; after a fault the page's insert stood for this reference
        if (attempt == 0 && p.policy != null && p.policy.wantsEveryReference()) {
          p.policy.access(vpn);
        }
        if (attempt == 0 && global != null && global.wantsEveryReference()) {
          global.access(Pte.pfn(pte));
        }
        return Pte.pfn(pte);
      }
      if (!Pte.present(pte) && p.rssLimit > 0) {
        p.policy.miss(vpn);
        if (p.rss >= p.rssLimit) {
          swap.shrink(p.policy, p.rc, p.rss - p.rssLimit + 1, ReclaimMode.LIMIT);
        }
      }
      int err =
          ErrorCode.USER | (write ? ErrorCode.WRITE : 0) | (Pte.present(pte) ? ErrorCode.PROT : 0);
      PageFault fault = new PageFault(vpn << Page.PAGE_SHIFT, err, new Regs(0, 0, 0, true));
      faults++;
      FaultOutcome o = handler.handleMmFault(p.fc, fault);
      if (o == FaultOutcome.DECLINED) {
        o = demand.handleMmFault(p.fc, fault);
      }
      if (o == FaultOutcome.MAJOR) {
        majorFaults++;
      }
      if (o == FaultOutcome.SIGBUS) {
        sigbus++;
        return -1;
      }
      if (o == FaultOutcome.OOM) {
        oomOutcomes++;
        return -1;
      }
      if (!o.resolved()) {
        throw new AssertionError("unexpected outcome " + o + " for pid " + pid + " vpn " + vpn);
      }
    }
    throw new AssertionError("access of pid " + pid + " vpn " + vpn + " never resolved");
  }

  /** Sets the watermarks kswapd compares the free frames with. */
  void watermarks(long low, long high) {
    pool.low = low;
    pool.high = high;
  }

  int freeFrames() {
    return (int) pool.nrFreePages();
  }

  int refs(long pfn) {
    return refs[(int) pfn];
  }

  int maps(long pfn) {
    return maps[(int) pfn];
  }

  /** Writes an 8-byte pattern over a page through the MMU; false when the access failed. */
  boolean writePattern(int pid, long vpn, long pattern) {
    long pfn = access(pid, vpn, true);
    if (pfn < 0) {
      return false;
    }
    long base = Page.pfnToPhys(pfn);
    for (int off = 0; off < Page.PAGE_SIZE; off += 8) {
      memory.writeLong(base + off, pattern ^ off);
    }
    return true;
  }

  /** Reads the page through the MMU and checks the pattern (0 = a never-written page). */
  boolean hasPattern(int pid, long vpn, long pattern) {
    long pfn = access(pid, vpn, false);
    if (pfn < 0) {
      return false;
    }
    long base = Page.pfnToPhys(pfn);
    for (int off = 0; off < Page.PAGE_SIZE; off += 8) {
      long want = pattern == 0 ? 0 : pattern ^ off;
      if (memory.readLong(base + off) != want) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- invariants

  /** Recounts slots, references, mappings and frames against the swap system's view. */
  void checkInvariants() {
    swap.checkInvariants();
    Map<Long, Integer> swapPtes = new HashMap<>();
    int[] mapped = new int[frames];
    for (Map.Entry<Long, Long> e : ptes.entrySet()) {
      long pte = e.getValue();
      if (Pte.present(pte)) {
        mapped[(int) Pte.pfn(pte)]++;
      } else {
        long entry = Pte.makeSwap(Pte.swapType(pte), Pte.swapOffset(pte));
        swapPtes.merge(entry, 1, Integer::sum);
      }
    }
    for (Map.Entry<Long, Integer> e : swapPtes.entrySet()) {
      if (swap.swapCount(e.getKey()) != e.getValue()) {
        throw new AssertionError(
            "slot "
                + Pte.swapOffset(e.getKey())
                + " count "
                + swap.swapCount(e.getKey())
                + " but "
                + e.getValue()
                + " swap PTEs hold it");
      }
    }
    long used = 0;
    for (var a : swap.areas()) {
      SwapArea area = swap.area(a.type());
      for (int off = 1; off < area.max; off++) {
        int c = area.count(off);
        long entry = Pte.makeSwap(a.type(), off);
        if (c != swapPtes.getOrDefault(entry, 0)) {
          throw new AssertionError(
              "slot "
                  + off
                  + " count "
                  + c
                  + " but "
                  + swapPtes.getOrDefault(entry, 0)
                  + " swap PTEs");
        }
        if (area.inUse(off)) {
          used++;
          if (c == 0 && swap.lookupSwapCache(entry) == SwapSystem.NO_PAGE) {
            throw new AssertionError("slot " + off + " in use with no count and no cache page");
          }
        }
      }
    }
    if (swap.totalSwapPages() - swap.freeSwapPages() != used) {
      throw new AssertionError(
          "used slots "
              + used
              + " but free count says "
              + (swap.totalSwapPages() - swap.freeSwapPages()));
    }
    int allocatedFrames = 0;
    for (int pfn = 1; pfn < frames; pfn++) {
      if (mapped[pfn] != maps[pfn]) {
        throw new AssertionError(
            "pfn " + pfn + " mapped " + mapped[pfn] + " times, map count " + maps[pfn]);
      }
      int want = maps[pfn] + (swap.inSwapCache(pfn) ? 1 : 0);
      if (allocated[pfn]) {
        allocatedFrames++;
        if (refs[pfn] != want) {
          throw new AssertionError(
              "pfn "
                  + pfn
                  + " has "
                  + refs[pfn]
                  + " references but "
                  + maps[pfn]
                  + " mappings, in swap cache "
                  + swap.inSwapCache(pfn));
        }
        if (want == 0) {
          throw new AssertionError("pfn " + pfn + " allocated but unreferenced: a leak");
        }
      } else if (refs[pfn] != 0 || maps[pfn] != 0) {
        throw new AssertionError("free pfn " + pfn + " has references");
      }
    }
    if (allocatedFrames + freeFrames() != frames - 1) {
      throw new AssertionError(
          allocatedFrames + " allocated + " + freeFrames() + " free != " + (frames - 1));
    }
    if (global != null) {
      global.checkInvariants();
      long mappedFrames = 0;
      for (int pfn = 1; pfn < frames; pfn++) {
        if (maps[pfn] > 0) {
          mappedFrames++;
          if (!global.contains(pfn)) {
            throw new AssertionError("mapped pfn " + pfn + " not tracked by the global policy");
          }
        }
      }
      if (global.resident() != mappedFrames) {
        throw new AssertionError(
            "global policy tracks " + global.resident() + " pages, " + mappedFrames + " mapped");
      }
    }
    for (Proc p : procs.values()) {
      if (p.policy != null) {
        p.policy.checkInvariants();
        if (p.policy.resident() != p.rss) {
          throw new AssertionError(
              "pid " + p.pid + " policy tracks " + p.policy.resident() + " pages but rss " + p.rss);
        }
      }
    }
  }
}
