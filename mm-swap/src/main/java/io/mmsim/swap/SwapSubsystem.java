package io.mmsim.swap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.Statistics;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.reclaim.ReplacementPolicy;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.swap.ReclaimContext;
import io.mmsim.api.swap.ReclaimMode;
import io.mmsim.api.swap.SwapAreaInfo;
import io.mmsim.api.swap.SwapContext;
import io.mmsim.api.swap.SwapException;
import io.mmsim.api.swap.SwapHeader;
import io.mmsim.api.swap.SwapSystem;
import io.mmsim.api.util.LongLongHashMap;

/*
 * The swap subsystem: active areas, slot allocation across areas by priority, the swap cache and
 * page I/O (mm/swapfile.c, mm/swap_state.c, mm/page_io.c). Reclaim lives in Reclaimer.
 *
 * Areas: swap_info[type] for type 0..MAX_SWAPFILES-1 (the 5-bit type field of a swap PTE). The
 * allocation order (swap_avail_heads) lists the types with free slots by priority, highest
 * first; an area used for an allocation is first moved behind the other areas of its priority
 * (plist_requeue), so equal priorities take turns. Areas without a priority get -2, -3, ...
 * (least_priority starts at -1 and is decremented per swapon; swapoff of such an area moves the
 * lower ones up by one).
 *
 * Swap cache: two open-addressing maps, entry key -> frame (bit 62 = the page is dirty: its swap
 * copy is stale or missing) and frame -> entry key, where entry key = type << 32 | offset. A
 * swap-cache page holds SWAP_HAS_CACHE on its slot and one frame reference (SwapContext.getPage).
 *
 * Invariants (checkInvariants): both maps are inverse of each other; every cached entry's slot
 * has SWAP_HAS_CACHE and every slot with SWAP_HAS_CACHE is cached; the free-page total is the sum
 * of the areas'; each area's own invariants.
 *
 * Single-threaded: one kernel, one thread.
 */
final class SwapSubsystem implements SwapSystem {
  /** Most areas: every value of the 5-bit type field (mmsim defines no special swap types). */
  static final int MAX_SWAPFILES = 1 << Pte.SWP_TYPE_BITS;

  static final long DIRTY = 1L << 62;
  private static final long PFN_MASK = DIRTY - 1;

  /** The swap cache maps' missing value: keys and values are never negative. */
  private static final long NOT_CACHED = -1L;

  private static final int PAGE = SwapHeader.PAGE_SIZE;

  private final Logger log;
  private final SwapContext ctx;
  private final PhysicalMemory memory;
  private final SwapArea[] areas = new SwapArea[MAX_SWAPFILES];
  private final int[] avail = new int[MAX_SWAPFILES];
  private int nrAvail;
  private int leastPriority = -1;
  private int ramDevices;
  private final LongLongHashMap cacheByEntry = new LongLongHashMap(64, NOT_CACHED);
  private final LongLongHashMap cacheByPfn = new LongLongHashMap(64, NOT_CACHED);
  private final byte[] buffer = new byte[PAGE];
  private final FaultAttr failRead;
  private final FaultAttr failWrite;
  private final SplittableRandom uuidRandom;
  private final Reclaimer reclaimer;
  private long totalPages;
  private long inusePages;
  private long pswpin;
  private long pswpout;
  private long readErrors;
  private long writeErrors;
  private long cacheHits;
  private boolean closed;

  SwapSubsystem(SwapContext ctx) {
    this.ctx = ctx;
    this.memory = ctx.memory();
    this.log = LoggerFactory.getLogger(ctx.loggerName());
    Settings s = ctx.settings();
    long seed = ctx.seed();
    this.failRead = FaultAttr.fromSettings(s, "fail-read", seed ^ 0x5eedL);
    this.failWrite = FaultAttr.fromSettings(s, "fail-write", seed ^ 0x3e17eL);
    this.uuidRandom = new SplittableRandom(seed ^ 0x0123_4567_89abL);
    this.reclaimer = new Reclaimer(this, ctx);
  }

  // ================================================================ configuration

  /** Activates {@code swap.files} then {@code swap.memory}; on failure deactivates them all. */
  void activateConfigured() {
    Settings s = ctx.settings();
    try {
      for (String item : s.get("files").split(",")) {
        String t = item.trim();
        if (t.isEmpty()) {
          continue;
        }
        String path = t;
        int prio = AUTO_PRIORITY;
        int colon = t.lastIndexOf(':');
        if (colon > 0 && t.substring(colon + 1).matches("-?[0-9]+")) {
          path = t.substring(0, colon);
          prio = parsePriority(s.fullKey("files"), t.substring(colon + 1));
        }
        swapon(Path.of(path), prio);
      }
      String mem = s.get("memory").trim();
      if (!mem.isEmpty()) {
        String size = mem;
        int prio = AUTO_PRIORITY;
        int colon = mem.lastIndexOf(':');
        if (colon > 0) {
          size = mem.substring(0, colon);
          prio = parsePriority(s.fullKey("memory"), mem.substring(colon + 1));
        }
        long bytes;
        try {
          bytes = io.mmsim.api.util.Sizes.parseSize(size);
        } catch (NumberFormatException e) {
          throw new ConfigurationException(
              s.fullKey("memory"), s.fullKey("memory") + ": " + e.getMessage());
        }
        if (bytes != 0) {
          try {
            swaponMemory(bytes, prio);
          } catch (SwapException e) {
            throw new ConfigurationException(
                s.fullKey("memory"), s.fullKey("memory") + ": " + e.getMessage(), e);
          }
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static int parsePriority(String key, String text) {
    int p;
    try {
      p = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new ConfigurationException(key, key + ": priority '" + text + "' is not a number");
    }
    if (p == -1) {
      return AUTO_PRIORITY;
    }
    if (p < 0 || p > MAX_PRIORITY) {
      throw new ConfigurationException(
          key, key + ": priority " + p + " is outside -1.." + MAX_PRIORITY);
    }
    return p;
  }

  // ================================================================ areas

  @Override
  public int swapon(Path file, int priority) {
    checkOpen();
    checkPriority(priority);
    Path real;
    try {
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      throw new SwapException(file.toString(), "swapon failed: No such file or directory");
    } catch (IOException e) {
      throw new SwapException(file.toString(), "swapon failed: " + e.getMessage(), e);
    }
    if (Files.isDirectory(real)) {
      throw new SwapException(file.toString(), "swapon failed: Is a directory");
    }
    for (SwapArea a : areas) {
      if (a != null && a.device instanceof FileDevice fd && fd.path().equals(real)) {
        throw new SwapException(file.toString(), "swapon failed: Device or resource busy");
      }
    }
    int type = freeType(file.toString());
    SwapHeader header;
    try {
      header = SwapHeader.read(real);
    } catch (SwapException e) {
      throw new SwapException(file.toString(), e.kernelMessage());
    } catch (IOException e) {
      throw new SwapException(file.toString(), "swapon failed: " + e.getMessage(), e);
    }
    int slots = slotsFor(header, real.toString());
    FileDevice dev;
    try {
      dev = FileDevice.open(real);
    } catch (IOException e) {
      throw new SwapException(file.toString(), "swapon failed: " + e.getMessage(), e);
    }
    return activate(type, dev, header, slots, priority);
  }

  @Override
  public int swaponMemory(long bytes, int priority) {
    checkOpen();
    checkPriority(priority);
    long pages = bytes / PAGE;
    String name = "/dev/ram" + ramDevices;
    if (pages < SwapHeader.MIN_PAGES) {
      throw new SwapException(
          name, "swap area needs to be at least " + (SwapHeader.MIN_PAGES * PAGE / 1024) + " KiB");
    }
    if (pages - 1 > SwapHeader.MAX_LAST_PAGE) {
      throw new SwapException(
          name,
          "an in-memory swap area holds at most " + (SwapHeader.MAX_LAST_PAGE + 1) + " pages");
    }
    int type = freeType(name);
    SwapHeader header =
        SwapHeader.create(pages, "", new UUID(uuidRandom.nextLong(), uuidRandom.nextLong()));
    int slots = slotsFor(header, name);
    ramDevices++;
    return activate(type, new MemoryDevice(name, slots), header, slots, priority);
  }

  private void checkPriority(int priority) {
    if (priority != AUTO_PRIORITY && (priority < 0 || priority > MAX_PRIORITY)) {
      throw new IllegalArgumentException(
          "swap priority " + priority + " is outside 0.." + MAX_PRIORITY);
    }
  }

  private int freeType(String name) {
    for (int t = 0; t < MAX_SWAPFILES; t++) {
      if (areas[t] == null) {
        return t;
      }
    }
    throw new SwapException(
        name,
        "swapon failed: Operation not permitted (all " + MAX_SWAPFILES + " swap types are in use)");
  }

  private int slotsFor(SwapHeader header, String name) {
    long maxPages = Math.min(header.pages(), SwapHeader.MAX_LAST_PAGE);
    if (maxPages > SwapArea.MAX_SLOTS) {
      log.warn(
          "{}: Truncating oversized swap area, only using {}k out of {}k",
          name,
          (long) SwapArea.MAX_SLOTS * 4,
          header.lastPage() * 4);
      maxPages = SwapArea.MAX_SLOTS;
    }
    return (int) maxPages;
  }

  private int activate(int type, SwapDevice dev, SwapHeader header, int slots, int priority) {
    boolean auto = priority == AUTO_PRIORITY;
    int prio = auto ? --leastPriority : priority;
    SwapArea a = new SwapArea(type, dev, header, slots, prio, auto);
    areas[type] = a;
    totalPages += a.pages;
    addAvail(type);
    if (log.isInfoEnabled()) {
      log.info(
          "Adding {}k swap on {}.  Priority:{} extents:1 across:{}k {}",
          a.pages * 4,
          dev.name(),
          prio,
          a.pages * 4,
          dev.isFile() ? "" : "SS");
    }
    return type;
  }

  /** Inserts {@code type} behind the areas of equal or higher priority (plist_add). */
  private void addAvail(int type) {
    int prio = areas[type].priority;
    int at = nrAvail;
    for (int i = 0; i < nrAvail; i++) {
      if (areas[avail[i]].priority < prio) {
        at = i;
        break;
      }
    }
    System.arraycopy(avail, at, avail, at + 1, nrAvail - at);
    avail[at] = type;
    nrAvail++;
  }

  private void removeAvail(int type) {
    for (int i = 0; i < nrAvail; i++) {
      if (avail[i] == type) {
        System.arraycopy(avail, i + 1, avail, i, nrAvail - i - 1);
        nrAvail--;
        return;
      }
    }
  }

  @Override
  public void swapoff(int type) {
    checkOpen();
    SwapArea a = type >= 0 && type < MAX_SWAPFILES ? areas[type] : null;
    if (a == null) {
      throw new SwapException(
          "type " + type, "swapoff failed: Invalid argument (no such swap" + " area)");
    }
    // cache pages whose slot no PTE needs can go: mapped ones keep their frame (tryToFreeSwap),
    // unmapped ones are garbage
    long busy = 0;
    for (int off = 1; off < a.max; off++) {
      if (!a.inUse(off)) {
        continue;
      }
      if (a.count(off) > 0) {
        busy++;
      }
    }
    if (busy > 0) {
      throw new SwapException(
          a.device.name(),
          "swapoff failed: Device or resource busy ("
              + busy
              + " pages are still swapped out to it; mmsim does not bring them back in:"
              + " fault them in or end their processes first)");
    }
    for (int off = 1; off < a.max; off++) {
      if (a.inUse(off) && a.hasCache(off)) {
        long pfn = cacheByEntry.get(key(type, off)) & PFN_MASK;
        dropCachePage(pfn);
      }
    }
    assert a.inuse() == 0 : "area " + type + " still has " + a.inuse() + " slots in use";
    removeAvail(type);
    areas[type] = null;
    totalPages -= a.pages;
    if (a.autoPriority) {
      for (SwapArea o : areas) {
        if (o != null && o.autoPriority && o.priority < a.priority) {
          o.priority++;
        }
      }
      leastPriority++;
    }
    a.device.close();
  }

  @Override
  public List<SwapAreaInfo> areas() {
    List<SwapAreaInfo> out = new ArrayList<>();
    for (SwapArea a : areas) {
      if (a != null) {
        out.add(
            new SwapAreaInfo(
                a.type,
                a.device.name(),
                a.device.isFile(),
                a.pages,
                a.inuse(),
                a.priority,
                a.header));
      }
    }
    return out;
  }

  @Override
  public String procSwaps() {
    StringBuilder sb = new StringBuilder("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
    for (SwapArea a : areas) {
      if (a == null) {
        continue;
      }
      String name = mangle(a.device.name());
      sb.append(name);
      sb.append(" ".repeat(name.length() < 40 ? 40 - name.length() : 1));
      long size = a.pages * (PAGE / 1024);
      long used = a.inuse() * (PAGE / 1024);
      sb.append(a.device.isFile() ? "file\t" : "partition")
          .append('\t')
          .append(size)
          .append('\t')
          .append(size < 10_000_000 ? "\t" : "")
          .append(used)
          .append('\t')
          .append(used < 10_000_000 ? "\t" : "")
          .append(a.priority)
          .append('\n');
    }
    return sb.toString();
  }

  /** seq_file_path's escaping of " \t\n\\": each becomes a backslash and three octal digits. */
  static String mangle(String path) {
    StringBuilder sb = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
        sb.append('\\')
            .append((char) ('0' + ((c >> 6) & 7)))
            .append((char) ('0' + ((c >> 3) & 7)))
            .append((char) ('0' + (c & 7)));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  @Override
  public long totalSwapPages() {
    return totalPages;
  }

  @Override
  public long freeSwapPages() {
    long used = 0;
    for (SwapArea a : areas) {
      if (a != null) {
        used += a.inuse();
      }
    }
    return totalPages - used;
  }

  @Override
  public long swapCachePages() {
    return cacheByPfn.size();
  }

  @Override
  public boolean swapFull() {
    return (totalPages - freeSwapPages()) * 2 > totalPages;
  }

  // ================================================================ entries

  static long key(int type, long offset) {
    return (long) type << 32 | offset;
  }

  private SwapArea areaOf(long entry) {
    int t = Pte.swapType(entry);
    return areas[t];
  }

  @Override
  public boolean validEntry(long entry) {
    if (!Pte.isSwap(entry)) {
      return false;
    }
    SwapArea a = areaOf(entry);
    return a != null && a.inUse(Pte.swapOffset(entry));
  }

  private SwapArea checkEntry(long entry, String op) {
    if (!validEntry(entry)) {
      throw new IllegalArgumentException(
          String.format(
              "%s: Bad swap file entry %016x (type %d" + " offset %d)",
              op,
              entry,
              Pte.isSwap(entry) ? Pte.swapType(entry) : -1,
              Pte.isSwap(entry) ? Pte.swapOffset(entry) : -1));
    }
    return areaOf(entry);
  }

  @Override
  public void swapDuplicate(long entry) {
    SwapArea a = checkEntry(entry, "swap_duplicate");
    a.duplicate((int) Pte.swapOffset(entry));
  }

  @Override
  public void swapFree(long entry) {
    SwapArea a = checkEntry(entry, "swap_free");
    int off = (int) Pte.swapOffset(entry);
    if (a.count(off) == 0) {
      throw new IllegalArgumentException(
          String.format(
              "swap_free: Unused swap offset entry" + " %016x (type %d offset %d)",
              entry, a.type, off));
    }
    int left = a.free(off);
    if (left == 0 && a.hasCache(off)) {
      long pfn = cacheByEntry.get(key(a.type, off)) & PFN_MASK;
      if (ctx.mapCount(pfn) == 0 || swapFull()) {
        dropCachePage(pfn);
      }
    }
  }

  @Override
  public int swapCount(long entry) {
    if (!Pte.isSwap(entry)) {
      return 0;
    }
    SwapArea a = areaOf(entry);
    long off = Pte.swapOffset(entry);
    return a == null || off <= 0 || off >= a.max ? 0 : a.count((int) off);
  }

  /** Allocates a slot with SWAP_HAS_CACHE for a page about to enter the cache; 0 when full. */
  long allocEntry() {
    for (int i = 0; i < nrAvail; i++) {
      SwapArea a = areas[avail[i]];
      if (a.inuse() >= a.pages) {
        continue;
      }
      requeue(i);
      int off = a.allocSlot();
      assert off > 0 : "area " + a.type + " had room but gave no slot";
      return Pte.makeSwap(a.type, off);
    }
    return 0;
  }

  /** Moves avail[i] behind the other areas of its priority (plist_requeue). */
  private void requeue(int i) {
    int t = avail[i];
    int prio = areas[t].priority;
    int j = i;
    while (j + 1 < nrAvail && areas[avail[j + 1]].priority == prio) {
      avail[j] = avail[j + 1];
      j++;
    }
    avail[j] = t;
  }

  // ================================================================ swap cache

  @Override
  public long lookupSwapCache(long entry) {
    if (!Pte.isSwap(entry)) {
      return NO_PAGE;
    }
    long v = cacheByEntry.get(key(Pte.swapType(entry), Pte.swapOffset(entry)));
    if (v == NOT_CACHED) {
      return NO_PAGE;
    }
    cacheHits++;
    return v & PFN_MASK;
  }

  @Override
  public boolean inSwapCache(long pfn) {
    return cacheByPfn.containsKey(pfn);
  }

  @Override
  public long swapEntryOf(long pfn) {
    long k = cacheByPfn.get(pfn);
    return k == NOT_CACHED ? 0 : Pte.makeSwap((int) (k >>> 32), k & 0xffff_ffffL);
  }

  boolean cacheDirty(long pfn) {
    long k = cacheByPfn.get(pfn);
    return k != NOT_CACHED && (cacheByEntry.get(k) & DIRTY) != 0;
  }

  void setCacheDirty(long pfn, boolean dirty) {
    long k = cacheByPfn.get(pfn);
    assert k != NOT_CACHED : "pfn " + pfn + " not in the swap cache";
    cacheByEntry.put(k, dirty ? pfn | DIRTY : pfn);
  }

  /**
   * Puts frame {@code pfn} in the cache under an entry whose slot already has HAS_CACHE, taking the
   * cache's frame reference.
   */
  void addToCache(long entry, long pfn, boolean dirty) {
    ctx.getPage(pfn);
    insertCache(entry, pfn, dirty);
  }

  private void insertCache(long entry, long pfn, boolean dirty) {
    long k = key(Pte.swapType(entry), Pte.swapOffset(entry));
    assert !cacheByEntry.containsKey(k) && !cacheByPfn.containsKey(pfn) : "already cached";
    cacheByEntry.put(k, dirty ? pfn | DIRTY : pfn);
    cacheByPfn.put(pfn, k);
  }

  /**
   * Removes a cache page: clears HAS_CACHE (freeing a slot no PTE holds) and drops the frame
   * reference.
   */
  void dropCachePage(long pfn) {
    long k = cacheByPfn.remove(pfn);
    assert k != NOT_CACHED : "pfn " + pfn + " not in the swap cache";
    cacheByEntry.remove(k);
    areas[(int) (k >>> 32)].clearCache((int) (k & 0xffff_ffffL));
    ctx.putPage(pfn);
  }

  @Override
  public boolean readIntoSwapCache(long entry, long pfn) {
    SwapArea a = checkEntry(entry, "swap_read");
    int off = (int) Pte.swapOffset(entry);
    if (a.hasCache(off)) {
      throw new IllegalArgumentException(
          String.format(
              "swap entry %016x (type %d offset %d)" + " already has a swap-cache page, pfn 0x%x",
              entry, a.type, off, cacheByEntry.get(key(a.type, off)) & PFN_MASK));
    }
    if (cacheByPfn.containsKey(pfn)) {
      throw new IllegalArgumentException(
          String.format("pfn 0x%x is already a swap-cache page", pfn));
    }
    if (!readSlot(a, off, pfn)) {
      return false;
    }
    a.setCache(off);
    addToCache(entry, pfn, false);
    pswpin++;
    return true;
  }

  @Override
  public boolean tryToFreeSwap(long pfn) {
    long k = cacheByPfn.get(pfn);
    if (k == NOT_CACHED) {
      return false;
    }
    SwapArea a = areas[(int) (k >>> 32)];
    if (a.count((int) (k & 0xffff_ffffL)) > 0) {
      return false;
    }
    dropCachePage(pfn);
    return true;
  }

  @Override
  public void pageUnmapped(long pfn) {
    long k = cacheByPfn.get(pfn);
    if (k == NOT_CACHED || ctx.mapCount(pfn) > 0) {
      return;
    }
    SwapArea a = areas[(int) (k >>> 32)];
    if (a.count((int) (k & 0xffff_ffffL)) == 0) {
      dropCachePage(pfn);
    } else {
      reclaimer.orphan(pfn);
    }
  }

  // ================================================================ I/O

  private boolean readSlot(SwapArea a, int off, long pfn) {
    if (failRead.shouldFail(PAGE)) {
      readErrors++;
      return false;
    }
    try {
      a.device.read(off, buffer);
    } catch (IOException e) {
      readErrors++;
      log.warn("Read-error on swap-device ({}:{}): {}", a.type, off, e.toString());
      return false;
    }
    memory.writePage(pfn, buffer, 0);
    return true;
  }

  /** Writes cache page {@code pfn} to its slot (swap_writepage); false on an I/O error. */
  boolean writeCachePage(long pfn) {
    long k = cacheByPfn.get(pfn);
    assert k != NOT_CACHED : "pfn " + pfn + " not in the swap cache";
    SwapArea a = areas[(int) (k >>> 32)];
    int off = (int) (k & 0xffff_ffffL);
    if (failWrite.shouldFail(PAGE)) {
      writeErrors++;
      return false;
    }
    memory.readPage(pfn, buffer, 0);
    try {
      a.device.write(off, buffer);
    } catch (IOException e) {
      writeErrors++;
      log.warn("Write-error on swap-device ({}:{}): {}", a.type, off, e.toString());
      return false;
    }
    pswpout++;
    return true;
  }

  /** The swap count of the slot behind a cache page. */
  int cacheSlotCount(long pfn) {
    long k = cacheByPfn.get(pfn);
    assert k != NOT_CACHED : "pfn " + pfn + " not in the swap cache";
    return areas[(int) (k >>> 32)].count((int) (k & 0xffff_ffffL));
  }

  // ================================================================ reclaim

  @Override
  public int shrink(ReplacementPolicy policy, ReclaimContext rc, int nrPages, ReclaimMode mode) {
    checkOpen();
    return reclaimer.shrink(policy, rc, nrPages, mode);
  }

  @Override
  public int kswapd(ReplacementPolicy policy, ReclaimContext rc) {
    checkOpen();
    return reclaimer.kswapd(policy, rc);
  }

  @Override
  public int tryToFreePages(ReplacementPolicy policy, ReclaimContext rc, int order) {
    checkOpen();
    return reclaimer.tryToFreePages(policy, rc, order);
  }

  // ================================================================ bookkeeping

  SwapArea area(int type) {
    return areas[type];
  }

  Reclaimer reclaimer() {
    return reclaimer;
  }

  @Override
  public Statistics statistics() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("nr_swapcached", (long) cacheByPfn.size());
    m.put("pswpin", pswpin);
    m.put("pswpout", pswpout);
    reclaimer.addCounters(m);
    m.put("swap_read_errors", readErrors);
    m.put("swap_write_errors", writeErrors);
    m.put("swapcache_hits", cacheHits);
    return new Statistics(m);
  }

  @Override
  public void checkInvariants() {
    cacheByEntry.checkInvariants();
    cacheByPfn.checkInvariants();
    if (cacheByEntry.size() != cacheByPfn.size()) {
      throw new AssertionError(
          "swap cache: " + cacheByEntry.size() + " entries but " + cacheByPfn.size() + " frames");
    }
    cacheByPfn.forEach(
        (pfn, k) -> {
          long v = cacheByEntry.get(k);
          if (v == NOT_CACHED || (v & PFN_MASK) != pfn) {
            throw new AssertionError(
                "swap cache: frame " + pfn + " -> entry key " + k + " -> " + v);
          }
          SwapArea a = areas[(int) (k >>> 32)];
          if (a == null || !a.hasCache((int) (k & 0xffff_ffffL))) {
            throw new AssertionError(
                "swap cache: frame " + pfn + " cached for slot " + k + " without SWAP_HAS_CACHE");
          }
        });
    long total = 0;
    int cached = 0;
    for (SwapArea a : areas) {
      if (a == null) {
        continue;
      }
      a.checkInvariants();
      total += a.pages;
      for (int off = 1; off < a.max; off++) {
        if (a.hasCache(off)) {
          cached++;
          if (!cacheByEntry.containsKey(key(a.type, off))) {
            throw new AssertionError(
                "swap area "
                    + a.type
                    + ": slot "
                    + off
                    + " has SWAP_HAS_CACHE but no swap-cache page");
          }
        }
      }
    }
    if (cached != cacheByPfn.size()) {
      throw new AssertionError(
          "swap cache: " + cacheByPfn.size() + " pages but " + cached + " slots flagged");
    }
    if (total != totalPages) {
      throw new AssertionError("total swap pages " + totalPages + " but areas sum to " + total);
    }
    for (int i = 0; i < nrAvail; i++) {
      if (areas[avail[i]] == null
          || i > 0 && areas[avail[i - 1]].priority < areas[avail[i]].priority) {
        throw new AssertionError("swap availability order broken at " + i);
      }
    }
    reclaimer.checkInvariants();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the swap system is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int t = 0; t < MAX_SWAPFILES; t++) {
      if (areas[t] != null) {
        areas[t].device.close();
      }
    }
  }
}
