package io.mmsim.slub;

import java.util.ArrayList;
import java.util.List;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.object.SlabBugException;
import io.mmsim.api.object.SlabFlags;

/**
 * SLUB debugging for one cache: the {@code CONFIG_SLUB_DEBUG} part of {@code mm/slub.c}. It holds
 * the allocation and free paths of debug caches ({@code alloc_debug_processing}, {@code
 * free_debug_processing}), the object byte layout checks (red zones, poison, padding, free pointer:
 * {@code init_object}, {@code check_object}, {@code check_bytes_and_report}), user tracking ({@code
 * set_track}), {@code validate_slab}, and the reports ({@code print_trailer}, {@code
 * print_slab_info}, {@code slab_err}).
 *
 * <p>Every cache has one: the reports also serve the checks every cache makes (double free, a
 * pointer that is no object, a corrupt free pointer, objects remaining at destroy). The fast paths
 * never come here except to build the report of a bug they found.
 *
 * <h2>Debug caches</h2>
 *
 * A cache with any of F, Z, P, U, T has no per-CPU slabs (as since Linux 6.2): each allocation
 * takes the first slab of the node partial list (or a new slab) and each free goes back to its
 * slab, with the checks of {@code alloc_debug_processing} / {@code free_debug_processing} run
 * before anything changes. Full slabs are kept on the node's full list when U is on.
 *
 * <p>Not thread-safe, like its cache.
 */
final class SlubDebug {
  /** {@code SLUB_RED_INACTIVE}. */
  static final byte RED_INACTIVE = (byte) 0xbb;

  /** {@code SLUB_RED_ACTIVE}. */
  static final byte RED_ACTIVE = (byte) 0xcc;

  /** {@code POISON_INUSE}. */
  static final byte POISON_INUSE = 0x5a;

  /** {@code POISON_FREE}. */
  static final byte POISON_FREE = 0x6b;

  /** {@code POISON_END}. */
  static final byte POISON_END = (byte) 0xa5;

  private final SlubCache cache;
  private final SlubAllocator allocator;
  private final SlabTable table;
  private final PhysicalMemory memory;
  private final String name;
  private final SlubLayout layout;
  private final int flags;
  private final boolean checks;
  private final boolean storeUser;
  private final boolean redZone;
  private final boolean trace;
  private final int size;
  private final int offset;
  private final int redLeftPad;

  /** Built at the end of {@code cache}'s constructor, from its final fields. */
  SlubDebug(SlubCache cache) {
    this.cache = cache;
    this.allocator = cache.allocator;
    this.table = cache.allocator.table;
    this.memory = cache.allocator.memory;
    this.name = cache.name;
    this.layout = cache.layout;
    this.flags = cache.flags;
    this.checks = (flags & SlabFlags.CONSISTENCY_CHECKS) != 0;
    this.storeUser = (flags & SlabFlags.STORE_USER) != 0;
    this.redZone = (flags & SlabFlags.RED_ZONE) != 0;
    this.trace = (flags & SlabFlags.TRACE) != 0;
    this.size = layout.size;
    this.offset = layout.offset;
    this.redLeftPad = layout.redLeftPad;
  }

  // ================================================================ debug allocation and free

  /**
   * Allocation for debug caches ({@code alloc_debug_processing} on the slow path): one object at a
   * time from the node lists, checked before anything changes.
   */
  long alloc(int cpu, int gfp, int origSize) {
    cache.checkUsable();
    SlabTable t = table;
    KmemCacheNode node = cache.partialNode(cpu);
    int slab = node == null ? 0 : node.firstPartial();
    boolean fresh = false;
    if (node == null) {
      slab = cache.newSlab(cpu, gfp);
      if (slab == 0) {
        return 0;
      }
      node = cache.nodeOf(slab);
      fresh = true;
    }
    long obj = t.freelist[slab];
    int idx = cache.objectIndex(slab, obj);
    if (idx < 0 || t.isAllocated(slab, idx)) {
      if (fresh) {
        throw new AssertionError("new slab of " + name + " has a bad freelist head");
      }
      throw freelistCorrupt(slab, obj);
    }
    if (checks) {
      List<String> bad = checkObject(slab, obj, RED_INACTIVE, 0);
      if (bad != null) {
        if (fresh) {
          // a constructor wrote outside its object: give the new slab back before reporting
          t.state[slab] = SlabTable.STATE_FULL;
          cache.discardSlab(cpu, slab);
        }
        throw new SlabBugException(obj, name, reasonOf(bad), bad);
      }
    }
    // commit
    long next = memory.readLong(obj - KernelLayout.PAGE_OFFSET + offset);
    t.freelist[slab] = next;
    t.allocBits[slab][idx >>> 6] |= 1L << idx;
    t.inuse[slab]++;
    cache.allocSlowpath++;
    if (fresh) {
      cache.allocSlab++;
      if (t.inuse[slab] == t.objects[slab]) {
        node.addFull(slab);
      } else {
        node.addPartial(slab, false);
      }
    } else {
      cache.allocFromPartial++;
      if (t.inuse[slab] == t.objects[slab]) {
        node.removePartial(slab);
        node.addFull(slab);
      }
    }
    if (storeUser) {
      setTrack(obj, 0, cpu);
      if (layout.origSizeTracked) {
        memory.writeInt(
            obj - KernelLayout.PAGE_OFFSET + layout.infoEnd + 2L * SlubLayout.TRACK_SIZE, origSize);
      }
    }
    initObject(obj, RED_ACTIVE, layout.origSizeTracked ? origSize : cache.objectSize);
    if (trace) {
      allocator.trace(name, "alloc", obj, t.inuse[slab], next);
    }
    if ((gfp & Gfp.ZERO) != 0) {
      memory.fill(
          obj - KernelLayout.PAGE_OFFSET,
          layout.origSizeTracked ? origSize : cache.objectSize,
          (byte) 0);
    }
    return obj;
  }

  /**
   * Free for debug caches ({@code free_debug_processing}): {@code addr} lies in {@code slab}; it is
   * checked, then goes straight back to its slab.
   */
  void free(int cpu, long addr, int slab) {
    SlabTable t = table;
    int idx = cache.objectIndex(slab, addr);
    if (idx < 0) {
      throw invalidPointer(slab, addr);
    }
    if (!t.isAllocated(slab, idx)) {
      throw alreadyFree(slab, addr);
    }
    if (checks) {
      List<String> bad = checkObject(slab, addr, RED_ACTIVE, origSizeOf(addr));
      if (bad != null) {
        bad.add("FIX " + name + ": Object at 0x" + SlubReport.hex16(addr) + " not freed");
        throw new SlabBugException(addr, name, reasonOf(bad), bad);
      }
    }
    // commit
    if (storeUser) {
      setTrack(addr, SlubLayout.TRACK_SIZE, cpu);
    }
    initObject(addr, RED_INACTIVE, cache.objectSize);
    long prior = t.freelist[slab];
    memory.writeLong(addr - KernelLayout.PAGE_OFFSET + offset, prior);
    t.freelist[slab] = addr;
    t.allocBits[slab][idx >>> 6] &= ~(1L << idx);
    t.inuse[slab]--;
    cache.freeSlowpath++;
    if (trace) {
      allocator.trace(name, "free", addr, t.inuse[slab], prior);
    }
    KmemCacheNode node = cache.nodeOf(slab);
    boolean empty = t.inuse[slab] == 0 && node.nrPartial >= cache.minPartial;
    byte st = t.state[slab];
    if (st == SlabTable.STATE_FULL || st == SlabTable.STATE_FULL_TRACKED) {
      node.removeFull(slab);
      if (!empty) {
        node.addPartial(slab, true);
        cache.freeAddPartial++;
      }
    } else if (empty) {
      node.removePartial(slab);
      cache.freeRemovePartial++;
    }
    if (empty) {
      cache.discardSlab(cpu, slab);
    }
  }

  // ================================================================ object bytes

  /** {@code setup_slab_debug}: a new slab of a poisoning cache is poisoned whole. */
  void setupSlab(int slab) {
    if ((flags & SlabFlags.POISON) != 0) {
      memory.fill(KernelLayout.pa(table.base[slab]), table.span[slab], POISON_INUSE);
    }
  }

  /** {@code setup_object_debug}: an object of a new slab gets free red zones and no tracking. */
  void setupObject(long obj) {
    initObject(obj, RED_INACTIVE, cache.objectSize);
    if (storeUser) {
      memory.fill(KernelLayout.pa(obj) + layout.infoEnd, 2L * SlubLayout.TRACK_SIZE, (byte) 0);
    }
  }

  /** {@code init_object}: red zones to {@code val}, poison when the cache poisons objects. */
  private void initObject(long obj, byte val, int poisonSize) {
    long p = KernelLayout.pa(obj);
    if (redZone) {
      memory.fill(p - redLeftPad, redLeftPad, val);
    }
    int ps = redZone && layout.origSizeTracked && val == RED_ACTIVE ? poisonSize : cache.objectSize;
    if (layout.objectPoison) {
      memory.fill(p, ps - 1, POISON_FREE);
      memory.writeByte(p + ps - 1, POISON_END);
    }
    if (redZone) {
      memory.fill(p + ps, layout.inuse - ps, val);
    }
  }

  private void setTrack(long obj, int which, int cpu) {
    long t = KernelLayout.pa(obj) + layout.infoEnd + which;
    memory.writeLong(t + SlubLayout.TRACK_ADDR, allocator.callerId());
    memory.writeInt(t + 8, 0);
    memory.writeInt(t + SlubLayout.TRACK_CPU, cpu);
    memory.writeInt(t + SlubLayout.TRACK_PID, 0);
    memory.writeInt(t + 20, 0);
    memory.writeLong(t + SlubLayout.TRACK_WHEN, allocator.tick());
  }

  private int origSizeOf(long obj) {
    if (!layout.origSizeTracked) {
      return cache.objectSize;
    }
    int v = memory.readInt(KernelLayout.pa(obj) + layout.infoEnd + 2L * SlubLayout.TRACK_SIZE);
    return v <= 0 || v > cache.objectSize ? cache.objectSize : v;
  }

  /**
   * {@code check_object}: checks red zones, poison, padding and the free pointer of the object at
   * {@code obj} expected in state {@code val} (RED_ACTIVE or RED_INACTIVE). Returns null when all
   * is well, else the report of the first fault. Only reads.
   */
  private List<String> checkObject(int slab, long obj, byte val, int origSize) {
    long p = KernelLayout.pa(obj);
    boolean poison = (flags & SlabFlags.POISON) != 0;
    if (redZone) {
      List<String> r = checkBytes(slab, obj, "Left Redzone", p - redLeftPad, val, redLeftPad);
      if (r != null) {
        return r;
      }
      r =
          checkBytes(
              slab,
              obj,
              "Right Redzone",
              p + cache.objectSize,
              val,
              layout.inuse - cache.objectSize);
      if (r != null) {
        return r;
      }
      if (layout.origSizeTracked && val == RED_ACTIVE && cache.objectSize > origSize) {
        r =
            checkBytes(
                slab, obj, "kmalloc Redzone", p + origSize, val, cache.objectSize - origSize);
        if (r != null) {
          return r;
        }
      }
    } else if (poison && cache.objectSize < layout.inuse) {
      List<String> r =
          checkBytes(
              slab,
              obj,
              "Alignment padding",
              p + cache.objectSize,
              POISON_INUSE,
              layout.inuse - cache.objectSize);
      if (r != null) {
        return r;
      }
    }
    if (poison) {
      if (val != RED_ACTIVE && layout.objectPoison) {
        List<String> r = checkBytes(slab, obj, "Poison", p, POISON_FREE, cache.objectSize - 1);
        if (r != null) {
          return r;
        }
        r = checkBytes(slab, obj, "End Poison", p + cache.objectSize - 1, POISON_END, 1);
        if (r != null) {
          return r;
        }
      }
      int from = layout.padStart;
      int to = layout.sizeFromObject();
      if (to > from) {
        List<String> r = checkBytes(slab, obj, "Object padding", p + from, POISON_INUSE, to - from);
        if (r != null) {
          return r;
        }
      }
    }
    if (layout.freePointerOutside() || val != RED_ACTIVE) {
      long fp = memory.readLong(p + offset);
      if (fp != 0 && cache.objectIndex(slab, fp) < 0) {
        SlubReport rep = new SlubReport().bug(name, "Freepointer corrupt");
        trailer(rep, slab, obj);
        return rep.lines();
      }
    }
    return null;
  }

  /** {@code check_bytes_and_report}: null when all {@code len} bytes equal {@code value}. */
  private List<String> checkBytes(
      int slab, long obj, String what, long start, byte value, long len) {
    if (len <= 0 || memory.allEqual(start, len, value)) {
      return null;
    }
    long fault = start;
    while (memory.readByte(fault) == value) {
      fault++;
    }
    long end = start + len;
    while (end > fault && memory.readByte(end - 1) == value) {
      end--;
    }
    SlubReport r = new SlubReport().bug(name, what + " overwritten");
    long slabPa = KernelLayout.pa(table.base[slab]);
    r.line(
        "0x"
            + SlubReport.hex16(KernelLayout.va(fault))
            + "-0x"
            + SlubReport.hex16(KernelLayout.va(end - 1))
            + " @offset="
            + (fault - slabPa)
            + ". First byte 0x"
            + Integer.toHexString(memory.readByte(fault) & 0xff)
            + " instead of 0x"
            + Integer.toHexString(value & 0xff));
    trailer(r, slab, obj);
    return r.lines();
  }

  /** The reason in a report's BUG line. */
  private String reasonOf(List<String> report) {
    String bug = report.get(1);
    return bug.substring(bug.indexOf("): ") + 3);
  }

  // ================================================================ reports

  /** {@code print_trailer}: tracking, slab info, object line and hex dumps. */
  void trailer(SlubReport r, int slab, long obj) {
    long p = KernelLayout.pa(obj);
    long base = table.base[slab];
    if (storeUser) {
      track(r, "Allocated", p + layout.infoEnd);
      track(r, "Freed", p + layout.infoEnd + SlubLayout.TRACK_SIZE);
    }
    slabInfoLine(r, slab);
    r.line(
        "Object 0x"
            + SlubReport.hex16(obj)
            + " @offset="
            + (obj - base)
            + " fp=0x"
            + SlubReport.hex16(memory.readLong(p + offset)));
    r.line("");
    if (redZone) {
      r.hexDump("Redzone  ", obj - redLeftPad, redLeftPad, memory);
    } else if (obj > base + 16) {
      r.hexDump("Bytes b4 ", obj - 16, 16, memory);
    }
    r.hexDump("Object   ", obj, Math.min(cache.objectSize, Page.PAGE_SIZE), memory);
    if (redZone) {
      r.hexDump("Redzone  ", obj + cache.objectSize, layout.inuse - cache.objectSize, memory);
    }
    int off = layout.padStart;
    if (off != layout.sizeFromObject()) {
      r.hexDump("Padding  ", obj + off, layout.sizeFromObject() - off, memory);
    }
  }

  private void track(SlubReport r, String what, long trackPa) {
    long addr = memory.readLong(trackPa + SlubLayout.TRACK_ADDR);
    if (addr == 0) {
      return;
    }
    long when = memory.readLong(trackPa + SlubLayout.TRACK_WHEN);
    r.line(
        what
            + " in "
            + allocator.callerName(addr)
            + " age="
            + (allocator.now() - when)
            + " cpu="
            + memory.readInt(trackPa + SlubLayout.TRACK_CPU)
            + " pid="
            + memory.readInt(trackPa + SlubLayout.TRACK_PID));
  }

  /**
   * {@code print_slab_info}. The flags word names PG_slab and PG_head and the zone. The bit values
   * are approximate: PG_slab is printed as bit 9 and PG_head as bit 6, but their places in {@code
   * enum pageflags} (include/linux/page-flags.h) differ between kernel versions and configurations,
   * so a real kernel's word may differ; the zone sits in the top bits, where page_zonenum reads it.
   */
  private void slabInfoLine(SlubReport r, int slab) {
    long pfn = table.pfn(slab);
    int zone = Zone.of(pfn).ordinal();
    boolean head = table.order[slab] > 0;
    long pageFlags = 0x200L | (head ? 0x40L : 0) | ((long) zone << 62);
    long fl = table.freelist[slab];
    r.line(
        "Slab 0x"
            + SlubReport.hex16(SlubReport.slabPointer(pfn))
            + " objects="
            + table.objects[slab]
            + " used="
            + cache.inuseOf(slab)
            + " fp=0x"
            + SlubReport.hex16(fl)
            + " flags=0x"
            + Long.toHexString(pageFlags)
            + "(slab"
            + (head ? "|head" : "")
            + "|node=0|zone="
            + zone
            + ")");
  }

  SlabBugException alreadyFree(int slab, long addr) {
    SlubReport r = new SlubReport().bug(name, "Object already free");
    trailer(r, slab, addr);
    r.fix(name, "Object at 0x" + SlubReport.hex16(addr) + " not freed");
    return new SlabBugException(addr, name, "Object already free", r.lines());
  }

  SlabBugException invalidPointer(int slab, long addr) {
    String reason = "Invalid object pointer 0x" + SlubReport.hex16(addr);
    SlubReport r = new SlubReport().bug(name, reason);
    slabInfoLine(r, slab);
    r.fix(name, "Object at 0x" + SlubReport.hex16(addr) + " not freed");
    return new SlabBugException(addr, name, reason, r.lines());
  }

  SlabBugException freelistCorrupt(int slab, long obj) {
    SlubReport r = new SlubReport().bug(name, "Freepointer corrupt");
    slabInfoLine(r, slab);
    r.line("Freelist entry 0x" + SlubReport.hex16(obj) + " is not a free object of this slab");
    return new SlabBugException(obj, name, "Freepointer corrupt", r.lines());
  }

  // ================================================================ validate

  /** {@code validate_slab} over every slab of the cache: the report lines of what is wrong. */
  List<String> validate() {
    List<String> out = new ArrayList<>();
    for (int s = 1; s < table.idLimit(); s++) {
      if (table.cache[s] == cache) {
        validateSlab(s, out);
      }
    }
    return out;
  }

  /** {@code validate_slab}: checks one slab, adding the report lines of what is wrong. */
  private void validateSlab(int slab, List<String> out) {
    SlabTable t = table;
    if ((flags & SlabFlags.POISON) != 0) {
      long span = t.span[slab];
      long remainder = span % size;
      if (remainder != 0) {
        long start = KernelLayout.pa(t.base[slab]);
        long pad = start + span - remainder;
        if (!memory.allEqual(pad, remainder, POISON_INUSE)) {
          long fault = pad;
          while (memory.readByte(fault) == POISON_INUSE) {
            fault++;
          }
          long end = start + span;
          while (end > fault && memory.readByte(end - 1) == POISON_INUSE) {
            end--;
          }
          SlubReport r =
              new SlubReport()
                  .bug(
                      name,
                      "Padding overwritten. 0x"
                          + SlubReport.hex16(KernelLayout.va(fault))
                          + "-0x"
                          + SlubReport.hex16(KernelLayout.va(end - 1))
                          + " @offset="
                          + (fault - start));
          slabInfoLine(r, slab);
          r.hexDump("Padding ", KernelLayout.va(pad), remainder, memory);
          out.addAll(r.lines());
        }
      }
    }
    // walk the freelists (the slab's own, and the CPU's if it is a CPU slab)
    int objects = t.objects[slab];
    long[] free = new long[(objects + 63) >>> 6];
    int counted = 0;
    boolean chainOk = true;
    long[] heads = {
      t.freelist[slab],
      t.state[slab] == SlabTable.STATE_CPU ? cache.cpuFreelistHead(t.cpu[slab]) : 0
    };
    for (long head : heads) {
      long prevObj = 0;
      long fp = head;
      while (fp != 0 && chainOk) {
        int idx = cache.objectIndex(slab, fp);
        if (idx < 0) {
          SlubReport r;
          if (prevObj == 0) {
            r = new SlubReport().bug(name, "Freepointer corrupt");
            slabInfoLine(r, slab);
          } else {
            r = new SlubReport().bug(name, "Freechain corrupt");
            trailer(r, slab, prevObj);
          }
          out.addAll(r.lines());
          chainOk = false;
          break;
        }
        if ((free[idx >>> 6] & (1L << idx)) != 0) {
          SlubReport r = new SlubReport().bug(name, "Freelist cycle detected");
          slabInfoLine(r, slab);
          out.addAll(r.lines());
          chainOk = false;
          break;
        }
        free[idx >>> 6] |= 1L << idx;
        counted++;
        prevObj = fp;
        fp = memory.readLong(KernelLayout.pa(fp) + offset);
      }
    }
    if (!chainOk) {
      return;
    }
    if (cache.inuseOf(slab) != objects - counted) {
      SlubReport r =
          new SlubReport()
              .bug(
                  name,
                  "Wrong object count. Counter is "
                      + cache.inuseOf(slab)
                      + " but counted were "
                      + (objects - counted));
      slabInfoLine(r, slab);
      out.addAll(r.lines());
      return;
    }
    if (!cache.debug) {
      return;
    }
    for (int i = 0; i < objects; i++) {
      long obj = cache.objectAt(slab, i);
      boolean isFree = (free[i >>> 6] & (1L << i)) != 0;
      List<String> bad =
          checkObject(
              slab,
              obj,
              isFree ? RED_INACTIVE : RED_ACTIVE,
              isFree ? cache.objectSize : origSizeOf(obj));
      if (bad != null) {
        out.addAll(bad);
        return;
      }
    }
  }

  /** The kernel's "Objects remaining" report for a cache that still holds objects. */
  SlabBugException objectsRemaining() {
    String reason = "Objects remaining in " + name + " on __kmem_cache_shutdown()";
    SlubReport r = new SlubReport().bug(name, reason);
    long first = 0;
    for (int s = 1; s < table.idLimit(); s++) {
      if (table.cache[s] != cache || cache.inuseOf(s) == 0) {
        continue;
      }
      slabInfoLine(r, s);
      for (int i = 0; i < table.objects[s]; i++) {
        if (table.isAllocated(s, i)) {
          long obj = cache.objectAt(s, i);
          if (first == 0) {
            first = obj;
          }
          r.line("Object 0x" + SlubReport.hex16(obj) + " @offset=" + (obj - table.base[s]));
        }
      }
    }
    return new SlabBugException(first, name, reason, r.lines());
  }
}
