package io.mmsim.kernel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.Sizes;
import io.mmsim.api.fault.FaultHandler;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Memmap;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.object.ObjectAllocator;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.FaultHandlerProvider;
import io.mmsim.api.spi.ObjectAllocatorProvider;
import io.mmsim.api.spi.PageAllocatorProvider;
import io.mmsim.api.spi.PageTableProvider;
import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.VirtualAllocatorProvider;
import io.mmsim.api.swap.SwapException;
import io.mmsim.api.swap.SwapProvider;
import io.mmsim.api.swap.SwapSpace;
import io.mmsim.api.swap.SwapSystem;
import io.mmsim.api.trace.TraceListener;
import io.mmsim.api.trace.Tracepoint;
import io.mmsim.api.trace.Tracer;
import io.mmsim.api.vmalloc.VirtualAllocator;
import io.mmsim.kernel.boot.Bootmem;
import io.mmsim.kernel.config.ConfigValidator;
import io.mmsim.kernel.config.Configuration;
import io.mmsim.kernel.mm.Compaction;
import io.mmsim.kernel.mm.Processes;
import io.mmsim.kernel.plugin.PluginPath;
import io.mmsim.kernel.plugin.ProviderOrigin;
import io.mmsim.kernel.proc.ProcFs;
import io.mmsim.kernel.registry.ProviderRegistry;
import io.mmsim.kernel.registry.ProviderRegistry.Spi;
import io.mmsim.kernel.stat.VmEvents;

/**
 * A simulated Linux kernel assembled from named parts: the facade every user starts from.
 *
 * <pre>{@code
 * Kernel k = Kernel.builder().set("memory.size", "1G").set("object-allocator", "slub").boot();
 * long pfn = k.pageAllocator().allocPages(0, Gfp.KERNEL, 3);
 * System.out.print(k.proc("buddyinfo"));
 * }</pre>
 *
 * <h2>Boot</h2>
 *
 * The configuration is validated against the providers found (unknown keys and names fail), then:
 * the page allocator is created empty; the boot allocator ({@link Bootmem}) reserves the first
 * frame, the kernel image at 16 MiB and the frame-metadata array (top-down, sized from the bytes
 * per frame every part keeps), and hands every other frame to the page allocator in maximal aligned
 * blocks; then the page tables (with the direct map), the object allocator with its kmalloc caches
 * and vmalloc are created, each from its provider.
 *
 * <h2>Threads</h2>
 *
 * A kernel is one deterministic, single-threaded machine. Its components are not thread-safe; the
 * methods of this class that change state are synchronized so that a kernel may be handed between
 * threads, but parallelism comes from running many kernels.
 */
public final class Kernel {
  private static final Logger LOG = LoggerFactory.getLogger(Kernel.class);

  /** The configuration value that leaves an optional part out. */
  public static final String NONE = "none";

  private final Configuration config;
  private final KernelParams params;
  private final MemoryLayout layout;
  private final long seed;
  private final PhysicalMemory memory;

  /** The per-frame words the page allocator lends to slab and user pages' owners. */
  private final Memmap memmap;

  private final long metadataBytesPerFrame;
  private final Bootmem bootmem;
  private final PageAllocator pageAllocator;
  private final PageTable pageTable;
  private final ObjectAllocator objectAllocator;
  private final VirtualAllocator virtualAllocator;
  private final Processes processes;
  private final SwapSystem swap;
  private final long zeroPfn;
  private final VmEvents events = new VmEvents();
  private final Map<String, String> parts = new LinkedHashMap<>();
  private final long bootFreePages;
  private final ProviderContexts contexts;
  private final int extfragThreshold;
  private final Tracer tracer = new Tracer();
  private final Compaction compaction;
  private String caller = "boot";

  private Kernel(
      Configuration config,
      ProviderRegistry registry,
      Map<TraceListener, Set<Tracepoint>> listeners) {
    this.config = config;
    this.params = new KernelParams(config);
    listeners.forEach((l, points) -> tracer.subscribe(points, l));
    registry.checkDuplicates();
    registry.checkPlugins();
    new ConfigValidator(registry).validate(config);

    long bytes = params.sizeKey("memory.size");
    int cpus = params.intKey("cpus", 1, 256);
    this.extfragThreshold = params.intKey("vm.extfrag-threshold", 0, 1000);
    int proactiveness = params.intKey("vm.compaction-proactiveness", 0, 100);
    this.seed = params.longKey("seed");
    boolean writeBackFiles = params.booleanKey("files.writeback");
    long imageBytes = params.sizeKey("kernel.image-size");
    long imagePages = Page.pagesFor(imageBytes);
    long imageStart = Page.physToPfn(KernelLayout.PHYSICAL_START);
    long frames = bytes >>> Page.PAGE_SHIFT;
    long minFrames = imageStart + imagePages + 1024;
    if (frames < minFrames) {
      throw new ConfigurationException(
          "memory.size",
          String.format(
              "memory.size: %s is too small: the kernel image is loaded at 16M and takes %s"
                  + " (kernel.image-size), so at least %s is needed",
              config.get("memory.size"),
              Sizes.format(imagePages << Page.PAGE_SHIFT),
              Sizes.format(minFrames << Page.PAGE_SHIFT)));
    }
    if (frames >= Integer.MAX_VALUE) {
      // per-frame metadata lives in Java arrays, indexed by int
      throw new ConfigurationException(
          "memory.size",
          "memory.size: "
              + config.get("memory.size")
              + " is above the simulator's limit of"
              + " 8T (2^31 - 1 frames)");
    }
    this.layout = new MemoryLayout(frames, cpus, params.numaTopology(frames, cpus));
    this.contexts = new ProviderContexts(this, config);

    PageAllocatorProvider pap =
        registry.select(
            Spi.PAGE_ALLOCATOR, PageAllocatorProvider.class, params.required("page-allocator"));
    this.pageAllocator = pap.create(contexts.pageAllocator(pap));
    parts.put("page-allocator", pap.name());
    if (layout.nodes() > 1 && !pageAllocator.nodeAware()) {
      throw new ConfigurationException(
          "numa.nodes",
          String.format(
              "numa.nodes: page allocator '%s' keeps a single node, so the machine cannot have %d;"
                  + " use one that keeps zones per node (buddy)",
              pap.name(), layout.nodes()));
    }

    this.memory = new PhysicalMemory(frames);
    this.bootmem = new Bootmem(frames);
    bootmem.reserve(0, 1, "BIOS data (the first page is never used)");
    bootmem.reserve(imageStart, imagePages, "kernel image");
    boolean wantProcesses = params.optional("page-table") != null;
    // struct page's union: the page allocator's words when it keeps its free lists in them (its
    // metadataBytesPerFrame counts them), else words of the kernel's own for the other owners
    Memmap lent = pageAllocator.memmap();
    this.memmap = lent != null ? lent : new Memmap(frames);
    long perFrame =
        pageAllocator.metadataBytesPerFrame()
            + (lent == null ? Memmap.BYTES_PER_FRAME : 0)
            + (wantProcesses ? Processes.metadataBytesPerFrame() : 0);
    this.metadataBytesPerFrame = perFrame;
    long metaBytes = frames * perFrame + bootmem.bitmapBytes();
    bootmem.allocTopDown(Math.max(1, Page.pagesFor(metaBytes)), "frame metadata (mem_map)");
    bootmem.freeAll(pageAllocator);
    pageAllocator.completeBoot();

    String ptName = params.optional("page-table");
    if (ptName == null) {
      this.pageTable = null;
    } else {
      PageTableProvider p = registry.select(Spi.PAGE_TABLE, PageTableProvider.class, ptName);
      this.pageTable = p.create(contexts.memory(p));
      parts.put("page-table", p.name());
    }
    String oaName = params.optional("object-allocator");
    if (oaName == null) {
      this.objectAllocator = null;
    } else {
      ObjectAllocatorProvider p =
          registry.select(Spi.OBJECT_ALLOCATOR, ObjectAllocatorProvider.class, oaName);
      this.objectAllocator = p.create(contexts.memory(p));
      parts.put("object-allocator", p.name());
    }
    String vaName = params.optional("virtual-allocator");
    if (vaName == null) {
      this.virtualAllocator = null;
    } else {
      if (pageTable == null) {
        throw new ConfigurationException(
            "virtual-allocator",
            "virtual-allocator: vmalloc maps pages, so it needs page tables (page-table=none)");
      }
      VirtualAllocatorProvider p =
          registry.select(Spi.VIRTUAL_ALLOCATOR, VirtualAllocatorProvider.class, vaName);
      this.virtualAllocator = p.create(contexts.virtualAllocator(p));
      parts.put("virtual-allocator", p.name());
    }
    // the shared zero page is the last page of the kernel image (empty_zero_page lives in .bss)
    this.zeroPfn = imageStart + imagePages - 1;
    memory.zeroPage(zeroPfn);
    if (pageTable == null) {
      this.processes = null;
      this.swap = null;
    } else {
      this.processes =
          new Processes(
              pageAllocator,
              pageTable,
              memory,
              memmap,
              cpus,
              zeroPfn,
              params.booleanKey("vm.zero-page"),
              events,
              tracer);
      processes.setDiskFiles(new io.mmsim.kernel.mm.DiskFiles(writeBackFiles));
      processes.setNuma(layout);
      this.swap = bootSwap(registry);
      bootFaultHandlers(registry);
      bootReclaim(registry);
    }
    this.compaction =
        new Compaction(
            pageAllocator,
            layout,
            events,
            extfragThreshold,
            proactiveness,
            processes == null ? null : processes.migrator(),
            tracer);
    if (processes != null) {
      try {
        processes.setTransparentHugepage(
            config.get("thp.enabled"), config.get("thp.defrag"), compaction);
        processes.setKhugepaged(
            params.longKey("thp.scan-sleep-ms"),
            params.longKey("thp.alloc-sleep-ms"),
            params.longKey("thp.pages-to-scan"),
            params.longKey("thp.max-ptes-none"),
            params.longKey("thp.max-ptes-swap"),
            params.longKey("thp.max-ptes-shared"),
            params.booleanKey("thp.khugepaged-defrag"));
      } catch (IllegalArgumentException e) {
        String key = e.getMessage().substring(0, e.getMessage().indexOf(':'));
        throw new ConfigurationException(key, e.getMessage());
      }
    }
    long hugepages = params.longKey("hugepages.count");
    if (hugepages < 0) {
      throw new ConfigurationException(
          "hugepages.count", "hugepages.count: " + hugepages + " is negative");
    }
    if (hugepages > 0) {
      if (processes == null || !pageTable.hugePmdSupported()) {
        throw new ConfigurationException(
            "hugepages.count",
            "hugepages.count: the hugetlb pool maps 2M pages in user page tables, which this"
                + " machine has not (page-table="
                + config.get("page-table")
                + ")");
      }
      long got = processes.reserveHugePages(hugepages);
      if (got < hugepages) {
        // hugetlb_hstate_alloc_pages_errcheck's words
        LOG.warn(
            "HugeTLB: allocating {} of page size 2.00 MiB failed.  Only allocated {} hugepages.",
            hugepages,
            got);
      }
      parts.put("hugepages", got + " x 2M");
    }
    // boot ends with empty per-CPU lists, so the boot layout is what buddyinfo shows
    pageAllocator.drainAllPages();
    this.bootFreePages = pageAllocator.nrFreePages();
    caller = "api";
    LOG.debug("booted {} of memory, {} CPUs, parts {}", Sizes.format(bytes), cpus, parts);
  }

  // ------------------------------------------------------------------ building

  /** A builder starting from the embedded defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Assembles a kernel: defaults, then a properties file, then single keys. */
  public static final class Builder {
    private Configuration config = Configuration.defaults();
    private ProviderRegistry registry;
    private PluginPath plugins = PluginPath.none();
    private final Map<TraceListener, Set<Tracepoint>> listeners = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Subscribes {@code listener} to {@code points} from the start, so that it also sees what boot
     * does (after boot, use {@link Kernel#tracer()}).
     */
    public Builder trace(Set<Tracepoint> points, TraceListener listener) {
      listeners.put(java.util.Objects.requireNonNull(listener, "listener"), Set.copyOf(points));
      return this;
    }

    /** Overlays the keys of a {@code .properties} file. */
    public Builder properties(Path file) {
      config = config.withFile(file);
      return this;
    }

    /** Overlays {@code props} (e.g. a configuration embedded in an application). */
    public Builder properties(java.util.Properties props, String origin) {
      config = config.withProperties(props, origin);
      return this;
    }

    /** Sets one key. */
    public Builder set(String key, String value) {
      config = config.with(key, value);
      return this;
    }

    /** Sets one {@code key=value} assignment. */
    public Builder set(String assignment) {
      config = config.withAssignment(assignment);
      return this;
    }

    /**
     * Uses exactly these providers instead of ServiceLoader discovery (the plug-in path is then not
     * searched).
     */
    public Builder providers(List<? extends Provider> providers) {
      this.registry = ProviderRegistry.of(providers);
      return this;
    }

    /**
     * Adds the providers of a plug-in path to discovery. Build the path once ({@link
     * PluginPath#of}) to share its class loader among many kernels.
     */
    public Builder plugins(PluginPath plugins) {
      this.plugins = java.util.Objects.requireNonNull(plugins, "plugins");
      return this;
    }

    /**
     * Adds the providers of these jars and folders of jars to discovery: modular jars through a
     * module layer, plain jars through a class loader (see {@link PluginPath}).
     *
     * @throws ConfigurationException naming a path that is missing or not a usable jar
     */
    public Builder plugins(List<Path> jarsOrFolders) {
      return plugins(PluginPath.of(jarsOrFolders));
    }

    /** The configuration as it stands. */
    public Map<String, String> configuration() {
      return config.asMap();
    }

    /**
     * Boots the kernel.
     *
     * @throws ConfigurationException for an unknown key or value, an unknown or duplicate provider,
     *     or a machine too small to boot
     */
    public Kernel boot() {
      ProviderRegistry r = registry != null ? registry : ProviderRegistry.discover(plugins);
      return new Kernel(config, r, listeners);
    }
  }

  /** Every provider that discovery finds, grouped by SPI (for listings). */
  public static Map<String, List<Provider>> discoverProviders() {
    return discoverProviders(PluginPath.none());
  }

  /**
   * Every provider that discovery finds with {@code plugins}, grouped by SPI; {@link
   * ProviderOrigin#of} tells where each came from.
   */
  public static Map<String, List<Provider>> discoverProviders(PluginPath plugins) {
    ProviderRegistry r = ProviderRegistry.discover(plugins);
    Map<String, List<Provider>> m = new LinkedHashMap<>();
    for (Spi spi : Spi.values()) {
      m.put(spi.type().getSimpleName(), r.providers(spi));
    }
    return m;
  }

  /**
   * Formats {@code file} as a swap area of {@code sizeBytes} bytes ({@code mkswap}) through the
   * swap provider named {@code swap}, the one a booted kernel uses, so that {@code swap.files}
   * accepts the result.
   *
   * @return what was written
   * @throws ConfigurationException (key {@code swap}) when no swap provider is found
   * @throws SwapException naming the file when the size, label or UUID is refused; the file is then
   *     untouched
   * @throws IOException when the file cannot be written
   */
  public static SwapSpace mkswap(Path file, long sizeBytes, String label, UUID uuid)
      throws IOException {
    SwapProvider p = ProviderRegistry.discover().select(Spi.SWAP, SwapProvider.class, "swap");
    return p.mkswap(file, sizeBytes, label, uuid);
  }

  /** Providers that were found but failed to load, one line each. */
  public static List<String> discoveryFailures() {
    return discoveryFailures(PluginPath.none());
  }

  /** Providers that were found with {@code plugins} but failed to load, one line each. */
  public static List<String> discoveryFailures(PluginPath plugins) {
    return ProviderRegistry.discover(plugins).failures();
  }

  /**
   * Runs the checks every boot runs on discovery, without booting: two providers of one SPI with
   * one name, and plug-in providers that failed to load.
   *
   * @throws ConfigurationException naming the providers and their jars
   */
  public static void checkProviders(PluginPath plugins) {
    ProviderRegistry r = ProviderRegistry.discover(plugins);
    r.checkDuplicates();
    r.checkPlugins();
  }

  // ------------------------------------------------------------------ parts

  /** The physical layout and CPU count. */
  public MemoryLayout layout() {
    return layout;
  }

  /**
   * Bytes of frame metadata per frame the boot reserved in simulated RAM ({@code mem_map}): the
   * page allocator's (with the per-frame words when it keeps its lists in them), the per-frame
   * words otherwise, and, with page tables, the process side's reference counts.
   */
  public long metadataBytesPerFrame() {
    return metadataBytesPerFrame;
  }

  /**
   * The per-frame words ({@code struct page}'s union) the page allocator lends to the owners of
   * slab and user pages.
   */
  public Memmap memmap() {
    return memmap;
  }

  /** The machine's RAM. */
  public PhysicalMemory memory() {
    return memory;
  }

  /** The page allocator. */
  public PageAllocator pageAllocator() {
    return pageAllocator;
  }

  /** The object allocator, or null when configured {@code none}. */
  public ObjectAllocator objectAllocator() {
    return objectAllocator;
  }

  /** The vmalloc allocator, or null when configured {@code none}. */
  public VirtualAllocator virtualAllocator() {
    return virtualAllocator;
  }

  /** The page tables, or null when configured {@code none}. */
  public PageTable pageTable() {
    return pageTable;
  }

  /**
   * Processes and their address spaces, or null when the kernel has no page tables ({@code
   * page-table=none}).
   */
  public Processes processes() {
    return processes;
  }

  /** The frame of the shared zero page. */
  public long zeroPfn() {
    return zeroPfn;
  }

  /** The boot allocator's reservations. */
  public List<Reservation> reservations() {
    List<Reservation> out = new ArrayList<>();
    for (Bootmem.Region r : bootmem.regions()) {
      out.add(new Reservation(r.startPfn(), r.pages(), r.what()));
    }
    return out;
  }

  /** Which provider runs each part, e.g. {@code page-allocator=buddy}. */
  public Map<String, String> parts() {
    return new LinkedHashMap<>(parts);
  }

  /** The effective configuration, every key. */
  public Map<String, String> configuration() {
    return config.asMap();
  }

  /** Free pages right after boot. */
  public long bootFreePages() {
    return bootFreePages;
  }

  /**
   * The kernel's tracer: subscribe to its tracepoints ({@link Tracer#subscribe}) to see what the
   * parts do, event by event.
   */
  public Tracer tracer() {
    return tracer;
  }

  /** The facade's event counters. */
  public VmEvents events() {
    return events;
  }

  /**
   * {@code vm.extfrag_threshold} (key {@code vm.extfrag-threshold}, 0..1000, default 500): the
   * fragmentation index at or below which compaction of a zone is not worth trying for a costly
   * order ({@code compaction_suitable} in {@code mm/compaction.c}).
   */
  public int extfragThreshold() {
    return extfragThreshold;
  }

  /** When and how memory is compacted (direct, kcompactd, proactive, compact_memory). */
  public Compaction compaction() {
    return compaction;
  }

  /**
   * Allocates {@code 2^order} frames as the kernel's {@code __alloc_pages} does: the page allocator
   * first, then, for an order above 0 that failed, direct compaction and a retry ({@link
   * Compaction#allocPages}). The page allocator's own {@code allocPages} never compacts.
   *
   * @return the first PFN, or {@code PageAllocator.NO_PAGE}
   */
  public synchronized long allocPages(int cpu, int gfp, int order) {
    return compaction.allocPages(cpu, gfp, order);
  }

  /**
   * Compacts every zone whole, as writing 1 to {@code /proc/sys/vm/compact_memory} does; nothing
   * when the page allocator cannot compact.
   */
  public synchronized void compactMemory() {
    compaction.compactMemory();
  }

  /**
   * One step of the background daemons, after each operation of a workload: kswapd runs when an
   * allocation of the operation woke it, kcompactd when kswapd handed it an order (a failed
   * allocation above order 0), and every 500 steps (its 500 ms timer, one step standing for a
   * millisecond) proactive compaction checks the fragmentation score.
   */
  public synchronized void tick() {
    if (processes != null) {
      processes.runKswapd(); // kswapd goes back to sleep before kcompactd runs
    }
    compaction.kswapdSleep();
    compaction.tick();
    if (processes != null) {
      processes.tick();
    }
  }

  /** The longest {@link #sleep}: one simulated day. */
  public static final long MAX_SLEEP_MS = 86_400_000L;

  /**
   * Lets {@code ms} milliseconds of simulated time pass with nothing but the daemons running: as
   * many {@link #tick} steps (kcompactd's timer, khugepaged's passes).
   *
   * @throws IllegalArgumentException when {@code ms} is negative or above {@link #MAX_SLEEP_MS}
   */
  public synchronized void sleep(long ms) {
    if (ms < 0 || ms > MAX_SLEEP_MS) {
      throw new IllegalArgumentException(
          "sleep: " + ms + " ms is out of range [0, " + MAX_SLEEP_MS + "]");
    }
    for (long i = 0; i < ms; i++) {
      tick();
    }
  }

  /** The seed everything random in this kernel derives from. */
  public long seed() {
    return seed;
  }

  /** Sets who is calling (e.g. a workload's {@code file:line}), for debug reports. */
  public synchronized void setCaller(String caller) {
    this.caller = caller;
    tracer.setCurrentPid(0); // a line runs in the workload's own task until it names a process
  }

  /** Who is calling, as set by {@link #setCaller}. */
  public synchronized String caller() {
    return caller;
  }

  // ------------------------------------------------------------------ frames

  /**
   * What every frame is used for now: a new {@link FrameMap} filled by {@link
   * #describeFrames(FrameMap)}.
   */
  public synchronized FrameMap frameMap() {
    FrameMap map = new FrameMap(memory.frames());
    describeFrames(map);
    return map;
  }

  /**
   * Clears {@code map} and has every part mark its frames, general answers first and specific ones
   * after: the page allocator (free blocks, per-CPU pages, allocated blocks), the boot reservations
   * (the kernel image with the zero page, the frame metadata), the page tables, the object
   * allocator, vmalloc, the user frames and the swap cache. A pass over each part's structures:
   * meant for reports, once per step, never for a hot path.
   *
   * @throws IllegalArgumentException when {@code map} is not of this machine's size
   */
  public synchronized void describeFrames(FrameMap map) {
    if (map.frames() != memory.frames()) {
      throw new IllegalArgumentException(
          "a frame map of " + map.frames() + " frames for a machine of " + memory.frames());
    }
    map.clear();
    pageAllocator.describeFrames(map);
    for (Bootmem.Region r : bootmem.regions()) {
      boolean image = r.startPfn() == Page.physToPfn(KernelLayout.PHYSICAL_START);
      map.mark(
          r.startPfn(),
          r.pages(),
          image ? FrameUse.KERNEL_IMAGE : FrameUse.RESERVED,
          image ? null : r.what());
    }
    map.mark(zeroPfn, 1, FrameUse.ZERO_PAGE, "empty_zero_page");
    if (processes != null) {
      processes.labelAddressSpaces(map);
    }
    if (pageTable != null) {
      pageTable.describeFrames(map);
    }
    if (objectAllocator != null) {
      objectAllocator.describeFrames(map);
    }
    if (virtualAllocator != null) {
      virtualAllocator.describeFrames(map);
    }
    if (processes != null) {
      processes.describeFrames(map);
    }
    if (swap != null) {
      swap.describeFrames(map);
    }
  }

  // ------------------------------------------------------------------ /proc

  /** The names of the /proc views this kernel can render, in a stable order. */
  public synchronized List<String> procNames() {
    return procFs().names();
  }

  /**
   * Renders one /proc view in the kernel's exact format ({@code buddyinfo}, {@code meminfo}, ...).
   *
   * @throws IllegalArgumentException for a view this kernel does not have
   */
  public synchronized String proc(String name) {
    return procFs().render(name);
  }

  private ProcFs procFs() {
    return new ProcFs(
        layout,
        pageAllocator,
        objectAllocator,
        virtualAllocator,
        pageTable,
        processes,
        swap,
        events);
  }

  // ------------------------------------------------------------------ swap and reclaim

  /** The swap subsystem of the provider named {@code swap}, when one is found. */
  private SwapSystem bootSwap(ProviderRegistry registry) {
    SwapProvider sp = null;
    for (Provider p : registry.providers(Spi.SWAP)) {
      if (p.name().equalsIgnoreCase("swap")) {
        sp = (SwapProvider) p;
      }
    }
    if (sp == null) {
      return null;
    }
    SwapSystem s = sp.create(contexts.swap(sp));
    if (s.totalSwapPages() > 0) {
      parts.put(
          "swap",
          s.areas().size() + " area(s), " + Sizes.format(s.totalSwapPages() << Page.PAGE_SHIFT));
    }
    return s;
  }

  /**
   * The fault-handler chain. Left at its default ({@code demand}) on a kernel with swap space, it
   * becomes {@code swap,demand} so that swapped-out pages come back.
   */
  private void bootFaultHandlers(ProviderRegistry registry) {
    String fh = params.optional("fault-handler");
    if (fh == null) {
      return;
    }
    if ("default".equals(config.origin("fault-handler"))
        && swap != null
        && swap.totalSwapPages() > 0) {
      fh = "swap," + fh;
    }
    List<FaultHandler> chain = new ArrayList<>();
    int swapIndex = -1;
    for (String name : fh.split(",")) {
      FaultHandlerProvider p =
          registry.select(Spi.FAULT_HANDLER, FaultHandlerProvider.class, name.trim());
      if (p.name().equalsIgnoreCase("swap")) {
        swapIndex = chain.size();
      }
      chain.add(p.create(contexts.faultHandler(p)));
    }
    if (swapIndex < 0 && swap != null && swap.totalSwapPages() > 0) {
      throw new ConfigurationException(
          "fault-handler",
          "fault-handler: swap areas are active but"
              + " the chain '"
              + fh
              + "' has no 'swap' handler, so swapped-out pages could never come"
              + " back; use fault-handler=swap,"
              + fh);
    }
    processes.setFaultHandlers(chain, swapIndex);
    parts.put("fault-handler", fh.replace(" ", ""));
  }

  /** The replacement policies: one global (keys are PFNs) and one per process with rss.limit. */
  private void bootReclaim(ProviderRegistry registry) {
    long rssLimit = params.longKey("rss.limit");
    if (rssLimit < 0) {
      throw new ConfigurationException("rss.limit", "rss.limit: " + rssLimit + " is negative");
    }
    if (swap == null) {
      if (rssLimit > 0) {
        throw new ConfigurationException(
            "rss.limit",
            "rss.limit: reclaiming a process's pages"
                + " needs the swap subsystem; add mm-swap to the module path or class path");
      }
      return;
    }
    ReplacementPolicyProvider rp =
        registry.select(
            Spi.REPLACEMENT_POLICY,
            ReplacementPolicyProvider.class,
            params.required("reclaim.policy"));
    // one instance per NUMA node: each node's lruvec holds the frames of that node
    ReplacementPolicy[] global = new ReplacementPolicy[layout.nodes()];
    try {
      for (int nid = 0; nid < global.length; nid++) {
        global[nid] = rp.create(contexts.policy(rp, null));
      }
    } catch (ConfigurationException e) {
      // a policy that needs the future (opt) works only per process, on a known trace; a bad value
      // of the policy's own keys is the user's error
      if (!"reclaim.policy".equals(e.key())) {
        throw e;
      }
      global = null;
    }
    processes.setReclaim(swap, global, future -> rp.create(contexts.policy(rp, future)), rssLimit);
    parts.put("reclaim.policy", rp.name());
    if (rssLimit > 0) {
      parts.put("rss.limit", rssLimit + " pages");
    }
  }

  /** The swap subsystem, or null without mm-swap or page tables. */
  public SwapSystem swap() {
    return swap;
  }

  // ------------------------------------------------------------------ internals

  /** Who is calling, without the lock: for the contexts, read inside a kernel call. */
  String currentCaller() {
    return caller;
  }

  /** Parts in boot order with their providers, for summaries. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, String> e : parts.entrySet()) {
      lines.add(e.getKey() + "=" + e.getValue());
    }
    return lines;
  }
}
