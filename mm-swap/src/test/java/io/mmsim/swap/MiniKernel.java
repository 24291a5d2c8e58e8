package io.mmsim.swap;

import static org.mockito.Mockito.mock;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.mockito.invocation.InvocationOnMock;

import io.mmsim.api.fault.AddressSpace;
import io.mmsim.api.fault.FaultContext;
import io.mmsim.api.fault.FaultOutcome;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.fault.Vma;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.mem.Watermark;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.PageFault;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.paging.Regs;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.swap.ReclaimContext;
import io.mmsim.api.swap.ReclaimMode;
import io.mmsim.api.swap.SwapContext;
import io.mmsim.api.swap.SwapSystem;

/**
 * A test double of the kernel around the swap subsystem: frames with reference and map counts,
 * processes with one anonymous read-write area each, page tables in a map, a reverse map, a global
 * policy (keys = PFNs) and optional per-process policies (keys = virtual page numbers), and the
 * ReclaimContexts of both scopes. Accesses go through a tiny MMU: a present PTE that allows the
 * access gets A (and D); otherwise the fault chain runs: the swap handler, then a minimal demand
 * handler (zero-fill, copy-on-write).
 *
 * <p>It implements the integration contract of io.mmsim.api.swap exactly as the real kernel must,
 * and {@link #checkInvariants()} verifies it: every slot's count equals the swap PTEs that hold it,
 * every frame's references equal its mappings plus the swap cache, no frame leaks. mm-api
 * interfaces are implemented with Mockito mocks whose default answer dispatches by method name, so
 * interface growth elsewhere does not break these tests.
 */
final class MiniKernel {
  static final long AREA_PAGES = 1L << 18;
  private static final long PID_SHIFT = 40;

  final int frames;
  final PhysicalMemory memory;
  final SwapSubsystem swap;
  final SwapFaultHandler handler;
  final ReplacementPolicy global;
  final ReclaimContext globalRc;
  final PageTable pageTable;
  final PageAllocator pageAllocator;
  private final ArrayDeque<Long> free = new ArrayDeque<>();
  private final boolean[] allocated;
  private final int[] refs;
  private final int[] maps;
  private final Map<Long, TreeSet<Long>> rmap = new HashMap<>();
  private final TreeMap<Long, Long> ptes = new TreeMap<>();
  private final Map<Integer, Proc> procs = new LinkedHashMap<>();
  private long lowWatermark;
  private long highWatermark;
  long faults;
  long majorFaults;
  long oomOutcomes;
  long sigbus;

  /** One process: its address space, area, optional resident limit and policy. */
  final class Proc {
    final int pid;
    final AddressSpace mm;
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
      this.vma = mock(Vma.class, this::vmaAnswer);
      this.mm = mock(AddressSpace.class, this::mmAnswer);
      this.rc = mock(ReclaimContext.class, this::rcAnswer);
      this.fc = mock(FaultContext.class, this::fcAnswer);
    }

    private Object vmaAnswer(InvocationOnMock i) {
      return switch (i.getMethod().getName()) {
        case "start" -> 0L;
        case "end" -> AREA_PAGES << Page.PAGE_SHIFT;
        case "prot" -> Prot.READ | Prot.WRITE;
        case "shared" -> false;
        case "anonymous" -> true;
        case "file" -> null;
        case "fileOffset" -> 0L;
        default -> unsupported(i);
      };
    }

    private Object mmAnswer(InvocationOnMock i) {
      return switch (i.getMethod().getName()) {
        case "pid" -> pid;
        case "root" -> (long) pid;
        case "findVma" -> {
          long a = i.getArgument(0);
          yield a >= 0 && a < AREA_PAGES << Page.PAGE_SHIFT ? vma : null;
        }
        default -> unsupported(i);
      };
    }

    /** Scope of this process: keys are its virtual page numbers. */
    private Object rcAnswer(InvocationOnMock i) {
      switch (i.getMethod().getName()) {
        case "pfnOf":
          {
            long pte = pte(pid, i.getArgument(0));
            return Pte.present(pte) ? Pte.pfn(pte) : SwapSystem.NO_PAGE;
          }
        case "kind":
          return ReclaimContext.ANON;
        case "testAndClearYoung":
          {
            long vpn = i.getArgument(0);
            long pte = pte(pid, vpn);
            if (Pte.present(pte) && (pte & Pte.ACCESSED) != 0) {
              setPte(pid, vpn, pte & ~Pte.ACCESSED);
              return true;
            }
            return false;
          }
        case "unmapToSwap":
          {
            long vpn = i.getArgument(0);
            long pfn = i.getArgument(1);
            long entry = i.getArgument(2);
            return unmapOne(pid, vpn, pfn, entry);
          }
        case "evictFilePage":
          return false;
        default:
          return unsupported(i);
      }
    }

    private Object fcAnswer(InvocationOnMock i) {
      switch (i.getMethod().getName()) {
        case "mm":
          return mm;
        case "pageTable":
          return pageTable;
        case "memory":
          return memory;
        case "allocUserPage":
          return allocUserPage();
        case "freeUserPage":
          {
            long pfn = i.getArgument(0);
            if (refs[(int) pfn] != 0 || maps[(int) pfn] != 0) {
              throw new AssertionError(
                  "freeUserPage of pfn " + pfn + " with refs " + refs[(int) pfn]);
            }
            freeFrame(pfn);
            return null;
          }
        case "zeroPfn":
          return -1L;
        case "pageCount":
          return refs[(int) (long) i.getArgument(0)];
        case "pageAnon":
          return true;
        case "pageAddNewAnonRmap":
          {
            long pfn = i.getArgument(0);
            if (refs[(int) pfn] != 0) {
              throw new AssertionError("new anon page " + pfn + " already has references");
            }
            refs[(int) pfn] = 1;
            addMapping(pid, vpnOf(i.getArgument(2)), pfn);
            return null;
          }
        case "pageAddRmap":
          {
            long pfn = i.getArgument(0);
            refs[(int) pfn]++;
            addMapping(pid, vpnOf(i.getArgument(2)), pfn);
            return null;
          }
        case "pageRemoveRmap":
          {
            long pfn = i.getArgument(0);
            removeMapping(pid, vpnOf(i.getArgument(2)), pfn, true);
            return null;
          }
        default:
          return unsupported(i);
      }
    }
  }

  MiniKernel(int frames, ReplacementPolicy global, Map<String, String> swapSettings) {
    this.frames = frames;
    this.memory = new PhysicalMemory(frames);
    this.allocated = new boolean[frames];
    this.refs = new int[frames];
    this.maps = new int[frames];
    for (long p = 1; p < frames; p++) { // frame 0 stays reserved, as in a real machine
      free.add(p);
    }
    this.global = global;
    this.pageTable = mock(PageTable.class, this::pageTableAnswer);
    this.pageAllocator = mock(PageAllocator.class, this::pageAllocatorAnswer);
    this.globalRc = mock(ReclaimContext.class, this::globalRcAnswer);
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
    this.handler = new SwapFaultHandler(swap);
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

  private static Object unsupported(InvocationOnMock i) {
    throw new UnsupportedOperationException(
        "MiniKernel does not implement "
            + i.getMethod().getDeclaringClass().getSimpleName()
            + "."
            + i.getMethod().getName());
  }

  // ---------------------------------------------------------------- mocks of mm-api services

  private Object pageTableAnswer(InvocationOnMock i) {
    switch (i.getMethod().getName()) {
      case "readPte":
        return pte(pidOfRoot(i.getArgument(0)), vpnOf(i.getArgument(1)));
      case "writePte":
        setPte(pidOfRoot(i.getArgument(0)), vpnOf(i.getArgument(1)), i.getArgument(2));
        return true;
      case "pfnPte":
        return Pte.make(i.getArgument(0), i.getArgument(1));
      case "flushTlbPage":
      case "flushTlbMm":
        return null;
      default:
        return unsupported(i);
    }
  }

  private Object pageAllocatorAnswer(InvocationOnMock i) {
    switch (i.getMethod().getName()) {
      case "nrFreePages":
        return i.getArguments().length == 0 || i.getArgument(0) == Zone.DMA
            ? (long) free.size()
            : 0L;
      case "watermark":
        {
          if (i.getArgument(0) != Zone.DMA) {
            return 0L;
          }
          Watermark w = i.getArgument(1);
          return w == Watermark.LOW
              ? lowWatermark
              : w == Watermark.HIGH ? highWatermark : lowWatermark / 2;
        }
      default:
        return unsupported(i);
    }
  }

  /** Global scope: keys are PFNs, operations act on every mapping. */
  private Object globalRcAnswer(InvocationOnMock i) {
    switch (i.getMethod().getName()) {
      case "pfnOf":
        {
          long pfn = i.getArgument(0);
          return pfn > 0 && pfn < frames && maps[(int) pfn] > 0 ? pfn : SwapSystem.NO_PAGE;
        }
      case "kind":
        return ReclaimContext.ANON;
      case "testAndClearYoung":
        {
          long pfn = i.getArgument(0);
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
      case "unmapToSwap":
        {
          long pfn = i.getArgument(1);
          long entry = i.getArgument(2);
          boolean dirty = false;
          for (long m : new TreeSet<>(rmap.getOrDefault(pfn, new TreeSet<>()))) {
            dirty |= unmapOne((int) (m >>> PID_SHIFT), m & ((1L << PID_SHIFT) - 1), pfn, entry);
          }
          return dirty;
        }
      case "evictFilePage":
        return false;
      default:
        return unsupported(i);
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
    if (free.isEmpty()) {
      swap.tryToFreePages(global, globalRc, 0);
    }
    if (free.isEmpty()) {
      return PageAllocator.NO_PAGE;
    }
    long pfn = free.poll();
    allocated[(int) pfn] = true;
    memory.fill(Page.pfnToPhys(pfn), Page.PAGE_SIZE, (byte) 0xa5); // contents undefined
    return pfn;
  }

  private void freeFrame(long pfn) {
    if (!allocated[(int) pfn]) {
      throw new AssertionError("double free of frame " + pfn);
    }
    allocated[(int) pfn] = false;
    free.add(pfn);
  }

  private void addMapping(int pid, long vpn, long pfn) {
    rmap.computeIfAbsent(pfn, k -> new TreeSet<>()).add(key(pid, vpn));
    if (maps[(int) pfn]++ == 0 && global != null) {
      global.insert(pfn);
    }
    Proc p = procs.get(pid);
    p.rss++;
    if (p.policy != null) {
      p.policy.insert(vpn);
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
    Proc p = procs.get(pid);
    p.rss--;
    if (p.policy != null) {
      p.policy.remove(vpn);
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
        o = demand(p, vpn, write, pte);
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

  /** The minimal demand handler: zero-fill on a missing PTE, copy-on-write on a protected one. */
  private FaultOutcome demand(Proc p, long vpn, boolean write, long pte) {
    long linear = vpn << Page.PAGE_SHIFT;
    long flags = Pte.PRESENT | Pte.USER | Pte.ACCESSED | Pte.NX | Pte.RW | Pte.DIRTY;
    if (pte == 0) {
      long pfn = allocUserPage();
      if (pfn == PageAllocator.NO_PAGE) {
        return FaultOutcome.OOM;
      }
      memory.zeroPage(pfn);
      setPte(p.pid, vpn, Pte.make(pfn, flags));
      refs[(int) pfn] = 1;
      addMapping(p.pid, vpn, pfn);
      return FaultOutcome.MINOR;
    }
    long pfn = Pte.pfn(pte);
    if (refs[(int) pfn] == 1) {
      setPte(p.pid, vpn, pte | Pte.RW | Pte.DIRTY | Pte.ACCESSED);
      return FaultOutcome.MINOR;
    }
    long copy = allocUserPage();
    if (copy == PageAllocator.NO_PAGE) {
      return FaultOutcome.OOM;
    }
    if (pte(p.pid, vpn) != pte) {
      freeFrame(copy); // reclaim changed the entry while allocating: retry (pte_same failed)
      return FaultOutcome.MINOR;
    }
    memory.copyPage(pfn, copy);
    removeMapping(p.pid, vpn, pfn, true);
    setPte(p.pid, vpn, Pte.make(copy, flags));
    refs[(int) copy] = 1;
    addMapping(p.pid, vpn, copy);
    return FaultOutcome.MINOR;
  }

  /** Sets the watermarks kswapd compares the free frames with. */
  void watermarks(long low, long high) {
    this.lowWatermark = low;
    this.highWatermark = high;
  }

  int freeFrames() {
    return free.size();
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
    if (allocatedFrames + free.size() != frames - 1) {
      throw new AssertionError(
          allocatedFrames + " allocated + " + free.size() + " free != " + (frames - 1));
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
