package io.mmsim.swap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import org.slf4j.Logger;

import io.mmsim.api.paging.Pte;
import io.mmsim.api.swap.SwapAreaInfo;
import io.mmsim.api.swap.SwapException;
import io.mmsim.api.swap.SwapSystem;

/*
 * The active swap areas and slot allocation across them (mm/swapfile.c: swap_info[], swapon,
 * swapoff, get_swap_pages, swap_duplicate, swap_show).
 *
 * Areas: swap_info[type] for type 0..MAX_SWAPFILES-1 (the 5-bit type field of a swap PTE). The
 * allocation order (swap_avail_heads) lists the types with free slots by priority, highest
 * first; an area used for an allocation is first moved behind the other areas of its priority
 * (plist_requeue), so equal priorities take turns. Areas without a priority get -2, -3, ...
 * (least_priority starts at -1 and is decremented per swapon; swapoff of such an area moves the
 * lower ones up by one).
 *
 * Within an area, SwapArea keeps the slot map (swap_map) and the cluster allocator. This class
 * knows nothing of the swap cache: a slot's SWAP_HAS_CACHE flag is set and cleared by SwapCache.
 *
 * Invariants (checkInvariants): totalPages is the sum of the areas' usable pages; the
 * availability order holds active areas only, by non-increasing priority; each area's own.
 *
 * Single-threaded: one kernel, one thread.
 */
final class SwapAreas {
  /** Most areas: every value of the 5-bit type field (mmsim defines no special swap types). */
  static final int MAX_SWAPFILES = 1 << Pte.SWP_TYPE_BITS;

  private static final int PAGE = SwapHeader.PAGE_SIZE;

  private final Logger log;
  private final SwapArea[] areas = new SwapArea[MAX_SWAPFILES];
  private final int[] avail = new int[MAX_SWAPFILES];
  private final SplittableRandom uuidRandom;
  private int nrAvail;
  private int leastPriority = -1;
  private int ramDevices;
  private long totalPages;

  SwapAreas(Logger log, long seed) {
    this.log = log;
    this.uuidRandom = new SplittableRandom(seed ^ 0x0123_4567_89abL);
  }

  // ================================================================ swapon

  /** swapon of a swap file: its header checked, its bad pages marked; see SwapSystem.swapon. */
  int swapon(Path file, int priority) {
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
    if (!Files.isRegularFile(real)) {
      // a FIFO would block the header read, a device has no end: swap files are regular files
      // (directly or through a symlink); swapon(2) says EINVAL for what is neither file nor disk
      throw new SwapException(
          file.toString(), "swapon failed: Invalid argument (" + real + " is not a regular file)");
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

  /** swapon of an in-memory area (a RAM disk formatted by mkswap); see SwapSystem. */
  int swaponMemory(long bytes, int priority) {
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

  private static void checkPriority(int priority) {
    if (priority != SwapSystem.AUTO_PRIORITY
        && (priority < 0 || priority > SwapSystem.MAX_PRIORITY)) {
      throw new IllegalArgumentException(
          "swap priority " + priority + " is outside 0.." + SwapSystem.MAX_PRIORITY);
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
    boolean auto = priority == SwapSystem.AUTO_PRIORITY;
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

  // ================================================================ swapoff

  /**
   * The area swapoff may take down: active, and no swap PTE holding any of its slots.
   *
   * @throws SwapException when the area is not active or still holds swapped-out pages
   */
  SwapArea checkSwapoff(int type) {
    SwapArea a = type >= 0 && type < MAX_SWAPFILES ? areas[type] : null;
    if (a == null) {
      throw new SwapException(
          "type " + type, "swapoff failed: Invalid argument (no such swap area)");
    }
    long busy = 0;
    for (int off = 1; off < a.max; off++) {
      if (a.inUse(off) && a.count(off) > 0) {
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
    return a;
  }

  /** Removes an area whose slots are all free, renumbering automatic priorities below it. */
  void deactivate(int type) {
    SwapArea a = areas[type];
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

  /** Closes every area's device. */
  void closeAll() {
    for (SwapArea a : areas) {
      if (a != null) {
        a.device.close();
      }
    }
  }

  // ================================================================ entries and slots

  /** The area of type {@code type}, or null. */
  SwapArea area(int type) {
    return areas[type];
  }

  /** The area a swap entry names, or null when that type is not active. */
  SwapArea areaOf(long entry) {
    return areas[Pte.swapType(entry)];
  }

  /** True when {@code entry} names a slot of an active area that is in use. */
  boolean validEntry(long entry) {
    if (!Pte.isSwap(entry)) {
      return false;
    }
    SwapArea a = areaOf(entry);
    return a != null && a.inUse(Pte.swapOffset(entry));
  }

  /** The area of a valid entry; otherwise the kernel's "Bad swap file entry" refusal. */
  SwapArea checkEntry(long entry, String op) {
    if (!validEntry(entry)) {
      throw new IllegalArgumentException(
          String.format(
              "%s: Bad swap file entry %016x (type %d offset %d)",
              op,
              entry,
              Pte.isSwap(entry) ? Pte.swapType(entry) : -1,
              Pte.isSwap(entry) ? Pte.swapOffset(entry) : -1));
    }
    return areaOf(entry);
  }

  /** Swap PTEs holding {@code entry}; 0 for anything that is not a slot in use. */
  int swapCount(long entry) {
    if (!Pte.isSwap(entry)) {
      return 0;
    }
    SwapArea a = areaOf(entry);
    long off = Pte.swapOffset(entry);
    return a == null || off <= 0 || off >= a.max ? 0 : a.count((int) off);
  }

  /**
   * Allocates a slot with SWAP_HAS_CACHE for a page about to enter the swap cache, from the
   * highest-priority area with room (get_swap_pages).
   *
   * @return the entry, or 0 when every area is full
   */
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

  // ================================================================ views

  /** The active areas in type order. */
  List<SwapAreaInfo> infos() {
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
                a.header.space()));
      }
    }
    return out;
  }

  /** /proc/swaps (swap_show): the header line, then one line per area in type order. */
  String procSwaps() {
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

  /** Usable slots of all active areas ({@code total_swap_pages}). */
  long totalPages() {
    return totalPages;
  }

  /** Free usable slots ({@code nr_swap_pages}). */
  long freePages() {
    long used = 0;
    for (SwapArea a : areas) {
      if (a != null) {
        used += a.inuse();
      }
    }
    return totalPages - used;
  }

  /** More than half of the swap space in use ({@code vm_swap_full}). */
  boolean swapFull() {
    return (totalPages - freePages()) * 2 > totalPages;
  }

  // ================================================================ checks

  /** Each area's invariants, the page total and the availability order. */
  void checkInvariants() {
    long total = 0;
    for (SwapArea a : areas) {
      if (a != null) {
        a.checkInvariants();
        total += a.pages;
      }
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
  }
}
