package io.mmsim.slub;

import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.PhysicalMemory;

/**
 * How the slabs a CPU holds go back to the node's lists, after {@code mm/slub.c}'s {@code
 * put_cpu_partial}, {@code __put_partials}, {@code deactivate_slab} and {@code flush_all}: a slab
 * whose first free makes it partial waits on the CPU partial list until that list holds {@code
 * cpuPartialSlabs} slabs, then the whole list moves to the node; a flush (shrink, destroy) sends
 * the CPU slab, with its CPU freelist spliced back, and the CPU partial list to the node. Empty
 * slabs beyond {@code min_partial} are discarded on the way. The statistics stay in {@link
 * SlubCache}, whose counters the report reads.
 */
final class SlubFlush {
  private final SlubCache cache;
  private final SlabTable table;
  private final PhysicalMemory memory;
  private final int offset;

  SlubFlush(SlubCache cache) {
    this.cache = cache;
    this.table = cache.allocator.table;
    this.memory = cache.allocator.memory;
    this.offset = cache.layout.offset;
  }

  /** {@code put_cpu_partial}: pushes {@code slab} on {@code cpu}'s partial list. */
  void putCpuPartial(int cpu, int slab, boolean drain) {
    SlabTable t = table;
    KmemCacheCpu c = cache.cpus[cpu];
    int head = c.partial;
    int count = c.partialCount;
    if (head != 0 && drain && count >= cache.cpuPartialSlabs) {
      c.partial = 0;
      c.partialCount = 0;
      putPartials(cpu, head);
      cache.cpuPartialDrain++;
      head = 0;
      count = 0;
    }
    t.state[slab] = SlabTable.STATE_CPU_PARTIAL;
    t.cpu[slab] = cpu;
    t.next[slab] = head;
    t.prev[slab] = 0;
    c.partial = slab;
    c.partialCount = count + 1;
  }

  /** {@code __put_partials}: moves a CPU partial list to the node, freeing surplus empties. */
  private void putPartials(int cpu, int head) {
    SlabTable t = table;
    int s = head;
    while (s != 0) {
      int next = t.next[s];
      t.next[s] = 0;
      KmemCacheNode node = cache.nodeOf(s);
      if (t.inuse[s] == 0 && node.nrPartial >= cache.minPartial) {
        cache.discardSlab(cpu, s);
      } else {
        node.addPartial(s, true);
        cache.freeAddPartial++;
      }
      s = next;
    }
  }

  /** {@code deactivate_slab}: the CPU slab goes back to the node. */
  private void deactivateCpuSlab(int cpu) {
    SlabTable t = table;
    int slab = cache.cpus[cpu].slab;
    if (slab == 0) {
      return;
    }
    long head = cache.cpus[cpu].freelist;
    boolean remoteFrees = t.freelist[slab] != 0;
    if (head != 0) {
      long tail = head;
      int steps = t.objects[slab];
      while (steps-- > 0) {
        long next = memory.readLong(KernelLayout.pa(tail) + offset);
        if (next == 0 || cache.objectIndex(slab, next) < 0) {
          break;
        }
        tail = next;
      }
      memory.writeLong(KernelLayout.pa(tail) + offset, t.freelist[slab]);
      t.freelist[slab] = head;
    }
    t.inuse[slab] = cache.inuseOf(slab);
    cache.cpus[cpu].clearSlab();
    t.cpu[slab] = -1;
    cache.cpuslabFlush++;
    KmemCacheNode node = cache.nodeOf(slab);
    if (t.inuse[slab] == 0 && node.nrPartial >= cache.minPartial) {
      cache.deactivateEmpty++;
      cache.discardSlab(cpu, slab);
    } else if (t.freelist[slab] != 0) {
      node.addPartial(slab, remoteFrees);
    } else {
      t.state[slab] = SlabTable.STATE_FULL;
      cache.deactivateFull++;
    }
  }

  /** {@code flush_all}: every CPU slab and CPU partial list goes back to the node. */
  void flushAll() {
    for (int cpu = 0; cpu < cache.cpus.length; cpu++) {
      deactivateCpuSlab(cpu);
      KmemCacheCpu c = cache.cpus[cpu];
      int head = c.partial;
      if (head != 0) {
        c.partial = 0;
        c.partialCount = 0;
        putPartials(cpu, head);
      }
    }
  }
}
