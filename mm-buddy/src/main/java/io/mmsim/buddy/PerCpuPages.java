package io.mmsim.buddy;

import static io.mmsim.buddy.FreeArea.NR_ZONES;
import static io.mmsim.buddy.Pageblocks.MIGRATE_PCPTYPES;

import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;
import io.mmsim.api.mem.Page;
import io.mmsim.api.trace.Tracer;

/*
 * The per-CPU page lists (struct per_cpu_pages; mm/page_alloc.c: rmqueue_pcplist, rmqueue_bulk,
 * free_unref_page_commit, free_pcppages_bulk, drain_pages_zone, zone_batchsize), in their classic
 * form: order-0 pages only, one list per CPU, zone and PCP migrate type (UNMOVABLE, MOVABLE,
 * RECLAIMABLE), with one count, high and batch per CPU and zone.
 *
 *   alloc  a request takes the head of its own type's list; an empty list is first refilled with
 *          batch pages taken one by one from the buddy lists (__rmqueue, so with the same
 *          fallbacks, its mode carried from one page to the next) and appended at its tail.
 *   free   (in BuddyAllocator.freeUnrefPage, the fast path) a page goes to the head of the list
 *          of its pageblock's type (a HIGHATOMIC pageblock's page to the MOVABLE list; an ISOLATE
 *          pageblock's page straight to the buddy lists); when the count reaches high, batch
 *          pages go back, list by list in round-robin order starting with the list just freed
 *          to, each list from its tail until it is empty or enough went back.
 *   drain  every list of a CPU and zone goes back, starting with UNMOVABLE.
 *   A page going back joins the free list of its pageblock's type at that moment (Linux 6.10+: no
 *   type is cached on the per-CPU page).
 *
 * Sizes (classic zone_batchsize): batch = rounddown_pow_of_two(1.5 * max(1, min(managed >> 10,
 * 256) / 4)) - 1, 63 for zones of 1 GiB and more, at least 1 once set; high = 6 * batch.
 */
final class PerCpuPages {

  private final FreeArea area;
  private final Fallback fallback;
  private final int[] next;
  private final int[] prev;

  /** The index of the node's first frame in next and prev. */
  private final int lb;

  private final byte[] meta;
  private final Tracer trace;

  final int cpus;

  /** Sentinel of list (cpu 0, zone 0, type 0); list id (cpu * NR_ZONES + z) * 3 + mt. */
  final int sentinels;

  /** Pages on the lists of each CPU and zone ({@code pcp->count}), by cpu * NR_ZONES + zone. */
  final int[] count;

  final int[] high = new int[NR_ZONES];
  final int[] batch = new int[NR_ZONES];

  /** Pages on all per-CPU lists (a sum: the fast paths keep only the per-slot counts). */
  long pages() {
    long t = 0;
    for (int c : count) {
      t += c;
    }
    return t;
  }

  long refills;
  long refillPages;
  long spills;
  long drains;
  long toBuddyPages;

  PerCpuPages(FreeArea area, Fallback fallback, int cpus) {
    this.area = area;
    this.fallback = fallback;
    this.next = area.next;
    this.prev = area.prev;
    this.lb = area.lb;
    this.meta = area.meta;
    this.trace = area.trace;
    this.cpus = cpus;
    this.sentinels = area.extraSentinels;
    this.count = new int[NR_ZONES * cpus];
  }

  /** Lists needed for {@code cpus} CPUs. */
  static int lists(int cpus) {
    return cpus * NR_ZONES * MIGRATE_PCPTYPES;
  }

  /** Sizes the lists from the zones' managed pages (end of boot). */
  void setup(long[] managed) {
    for (int z = 0; z < NR_ZONES; z++) {
      int b = zoneBatchsize(managed[z]);
      high[z] = 6 * b;
      batch[z] = Math.max(1, b);
    }
  }

  /** {@code zone_batchsize}: may be 0 for a small zone (then high is 0 and batch 1). */
  static int zoneBatchsize(long managedPages) {
    long b = Math.min(managedPages >> 10, (1L << 20) / Page.PAGE_SIZE);
    b /= 4;
    if (b < 1) {
      b = 1;
    }
    return (int) (Long.highestOneBit(b + b / 2) - 1);
  }

  static int slot(int cpu, int z) {
    return cpu * NR_ZONES + z;
  }

  int sentinel(int slot, int mt) {
    return sentinels + slot * MIGRATE_PCPTYPES + mt;
  }

  /**
   * {@code rmqueue_pcplist}: the head of the (cpu, z, mt) list, refilling an empty one first; -1
   * when the refill found nothing.
   */
  int alloc(int cpu, int z, int mt, int allocFlags) {
    int slot = slot(cpu, z);
    int s = sentinel(slot, mt);
    int pfn = next[lb + s];
    if (pfn == s) {
      int got = rmqueueBulk(z, slot, s, mt, allocFlags);
      if (trace.on() && got > 0) {
        trace.pcpRefill(cpu, z, mt, got, batch[z]);
      }
      if (got == 0) {
        return -1;
      }
      pfn = next[lb + s];
    }
    area.unlink(pfn);
    count[slot]--;
    if (trace.on()) {
      trace.pcpAlloc(cpu, area.base + pfn, z, mt, count[slot]);
    }
    return pfn;
  }

  /** {@code rmqueue_bulk}: up to batch pages, appended in the order taken. */
  private int rmqueueBulk(int z, int slot, int sentinel, int mt, int allocFlags) {
    int want = batch[z];
    int got = 0;
    int mode = Fallback.RMQUEUE_NORMAL;
    while (got < want) {
      int p = fallback.rmqueue(z, 0, mt, allocFlags, mode);
      if (p < 0) {
        break;
      }
      mode = fallback.mode;
      meta[p] = FreeArea.META_PCP;
      area.insertTail(sentinel, p);
      got++;
    }
    if (got > 0) {
      count[slot] += got;
      refills++;
      refillPages += got;
    }
    return got;
  }

  /**
   * The spill of {@code free_unref_page_commit}: the lists of (cpu, z) reached high with {@code
   * count} pages after a free to the {@code mt} list; a batch goes back, that list first.
   */
  void spill(int z, int slot, int count, int mt) {
    spills++;
    freeBulk(z, slot, Math.min(batch[z], count), mt, false);
  }

  /**
   * {@code free_pcppages_bulk}: n pages of (cpu, z) back to the buddy lists, round robin over the
   * type lists from {@code firstMt}, each list from its tail.
   */
  void freeBulk(int z, int slot, int n, int firstMt, boolean drain) {
    assert n <= count[slot] : "freeing " + n + " of " + count[slot] + " per-CPU pages";
    int cpu = slot / NR_ZONES;
    if (trace.on()) {
      trace.pcpFreeBulk(cpu, z, n, count[slot], high[z], drain);
    }
    int mt = firstMt - 1;
    int left = n;
    while (left > 0) {
      int s;
      do {
        if (++mt == MIGRATE_PCPTYPES) {
          mt = 0;
        }
        s = sentinel(slot, mt);
      } while (next[lb + s] == s);
      do {
        int x = prev[lb + s];
        area.unlink(x);
        meta[x] = 0;
        int blockMt = area.blocks.get(x);
        area.freeOne(z, x, 0, blockMt, false);
        if (trace.on()) {
          trace.mmPagePcpuDrain(cpu, area.base + x, 0, blockMt);
        }
        left--;
      } while (left > 0 && next[lb + s] != s);
    }
    count[slot] -= n;
    toBuddyPages += n;
  }

  /** {@code drain_pages}: every list of one CPU back to the buddy lists. */
  void drainCpu(int cpu) {
    for (int z = 0; z < NR_ZONES; z++) {
      int slot = slot(cpu, z);
      int n = count[slot];
      if (n > 0) {
        drains++;
        freeBulk(z, slot, n, 0, true);
      }
    }
  }

  /** {@code drain_all_pages}. */
  void drainAll() {
    for (int c = 0; c < cpus; c++) {
      drainCpu(c);
    }
  }

  /**
   * Names the CPU of every page on a per-CPU list in {@code map} ({@code cpu 1}), by machine PFN.
   */
  void describeFrames(FrameMap map) {
    for (int cpu = 0; cpu < cpus; cpu++) {
      String owner = "cpu " + cpu;
      for (int z = 0; z < NR_ZONES; z++) {
        for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
          int s = sentinel(slot(cpu, z), mt);
          for (int pfn = next[lb + s]; pfn != s; pfn = next[lb + pfn]) {
            map.markBlock(lb + pfn, 0, FrameUse.PCP, owner);
          }
        }
      }
    }
  }
}
