package io.mmsim.kernel.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.reclaim.FutureReferences;
import io.mmsim.api.trace.Tracer;

/*
 * The task list and a task's life (kernel/fork.c: copy_process, dup_mm; kernel/exit.c: do_exit;
 * kernel/signal.c: a fatal signal's end of a task).
 *
 *   spawn  a new address space (its root table; reclaim retried while it frees memory, as
 *          pgd_alloc's allocation would) with a [stack] area and the heap's start
 *   fork   the same, then dup_mmap; a page-table allocation failure tears the half-built child
 *          down and retries after reclaim, then fails (ENOMEM) with nothing left behind
 *   exit   exit_mmap, then the shmem objects no area maps any more drop their pages
 *   kill   the report line, then as exit
 *
 * Dead tasks stay in the list (their pid may be reused) so that a later operation naming them can
 * say how they died.
 *
 * Not thread-safe: the kernel facade serialises calls.
 */
final class Tasks {
  /** Pids are below 2^23 (the reverse map packs them in 23 bits; PID_MAX_LIMIT is 2^22). */
  static final int PID_LIMIT = 1 << 23;

  private final TreeMap<Integer, Task> tasks = new TreeMap<>();
  private final PageTable pageTable;
  private final PageRefs refs;
  private Vmscan vmscan;
  private Mmap mmap;
  private Shmem shmem;
  private Consumer<String> reporter = s -> {};

  /** The kernel's tracer, for the parts that reach the task list (faults, reclaim, OOM). */
  final Tracer trace;

  private Hugetlb hugetlb;

  Tasks(PageTable pageTable, PageRefs refs, Tracer trace) {
    this.pageTable = pageTable;
    this.refs = refs;
    this.trace = trace;
  }

  /** The parts that need the task list themselves (reclaim walks the rmap to tasks). */
  void wire(Vmscan vmscan, Mmap mmap, Shmem shmem) {
    this.vmscan = vmscan;
    this.mmap = mmap;
    this.shmem = shmem;
  }

  /** The hugetlb pool, whose shared objects live while some area maps them. */
  void wireHugetlb(Hugetlb hugetlb) {
    this.hugetlb = hugetlb;
  }

  void setReporter(Consumer<String> reporter) {
    this.reporter = reporter;
  }

  /** Reports one line (a signal, an OOM kill, a bad page map) as it happens. */
  void report(String line) {
    reporter.accept(line);
  }

  // ------------------------------------------------------------------ lookup

  /** The live process {@code pid}. */
  Task task(int pid) {
    Task t = tasks.get(pid);
    if (t == null || !t.alive) {
      throw new IllegalArgumentException(
          t == null ? "no process " + pid : "process " + pid + " is dead (" + t.deathReason + ")");
    }
    return t;
  }

  /**
   * The live process {@code pid}, which the kernel now runs for: the current task the tracer stamps
   * events with ({@code mm-PID}).
   */
  Task current(int pid) {
    Task t = task(pid);
    trace.setCurrentPid(pid);
    return t;
  }

  /** The address space of a task the reverse map names (alive by construction). */
  MmStruct mmOf(int pid) {
    return tasks.get(pid).mm;
  }

  boolean isAlive(int pid) {
    Task t = tasks.get(pid);
    return t != null && t.alive;
  }

  /** Live processes by pid. */
  List<Task> live() {
    List<Task> out = new ArrayList<>();
    for (Task t : tasks.values()) {
      if (t.alive) {
        out.add(t);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ life

  Task spawn(int pid, FutureReferences future) {
    if (pid <= 0 || pid >= PID_LIMIT) {
      throw new IllegalArgumentException("pid " + pid + " must be positive and below " + PID_LIMIT);
    }
    if (isAlive(pid)) {
      throw new IllegalArgumentException("process " + pid + " exists");
    }
    long root = createAddressSpace();
    if (root == PageTable.NO_ROOT) {
      throw new IllegalArgumentException(
          "spawn: out of memory for the page tables of process " + pid);
    }
    MmStruct mm = new MmStruct(pid, root);
    vmscan.attachPolicy(mm, future);
    mm.startBrk = Processes.START_BRK;
    mm.brk = Processes.START_BRK;
    mm.insert(
        new VmAreaStruct(
            Processes.STACK_TOP - Processes.STACK_SIZE,
            Processes.STACK_TOP,
            Prot.READ | Prot.WRITE,
            false,
            null,
            0,
            "[stack]"));
    Task t = new Task(pid, "proc" + pid, mm);
    tasks.put(pid, t);
    return t;
  }

  /** A new address space, reclaiming while that frees memory ({@code pgd_alloc}). */
  private long createAddressSpace() {
    long root = pageTable.createAddressSpace();
    for (int r = 0; root == PageTable.NO_ROOT && r < FaultLoop.MAX_RECLAIM_RETRIES; r++) {
      if (vmscan.directReclaim(-1, -1L, Vmscan.GFP_PGTABLE_USER) == 0) {
        break;
      }
      root = pageTable.createAddressSpace();
    }
    return root;
  }

  Task fork(int parentPid, int childPid) {
    Task parent = task(parentPid);
    if (isAlive(childPid) || childPid <= 0 || childPid >= PID_LIMIT) {
      throw new IllegalArgumentException("fork: pid " + childPid + " is in use or invalid");
    }
    for (int r = 0; ; r++) {
      Task child = copyProcess(parent, childPid);
      if (child != null) {
        return child;
      }
      if (r >= FaultLoop.MAX_RECLAIM_RETRIES
          || vmscan.directReclaim(-1, -1L, Vmscan.GFP_PGTABLE_USER) == 0) {
        throw new IllegalArgumentException(
            "fork: out of memory copying the page tables of process " + parentPid);
      }
    }
  }

  /** One attempt at fork; null when a page-table frame could not be had (nothing is left). */
  private Task copyProcess(Task parent, int childPid) {
    long root = pageTable.createAddressSpace();
    if (root == PageTable.NO_ROOT) {
      return null;
    }
    MmStruct pm = parent.mm;
    MmStruct cm = new MmStruct(childPid, root);
    vmscan.attachPolicy(cm, null);
    cm.startBrk = pm.startBrk;
    cm.brk = pm.brk;
    cm.mempolicy = pm.mempolicy;
    cm.areaPolicies = pm.areaPolicies;
    if (!mmap.dupMmap(pm, cm)) {
      mmap.exitMmap(cm);
      return null;
    }
    Task child = new Task(childPid, parent.comm, cm);
    tasks.put(childPid, child);
    return child;
  }

  /** Process {@code t} exits: every mapping is removed, its page tables freed. */
  void exit(Task t, String reason) {
    mmap.exitMmap(t.mm);
    t.alive = false;
    t.deathReason = reason;
    dropUnmappedShmem();
  }

  /** A fatal signal: reported, then the task ends. */
  void kill(Task t, SignalInfo s) {
    report(s.format());
    exit(t, "killed by " + s.signal());
  }

  /** Shmem objects no live area maps any more drop their pages and swap entries. */
  void dropUnmappedShmem() {
    if (refs.cachedPages() > 0 || shmem.objectCount() > 0) {
      java.util.Set<io.mmsim.api.fault.FileBacking> mapped = PageRefs.mappedShmem(tasks.values());
      refs.dropShmemNotIn(mapped);
      shmem.dropNotIn(mapped);
    }
    if (hugetlb != null) {
      hugetlb.dropUnmapped(live());
    }
  }

  /** Every task, dead ones included, by pid (for invariant checks). */
  Iterable<Task> all() {
    return tasks.values();
  }
}
