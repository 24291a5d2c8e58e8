package io.mmsim.paging.demand;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mmsim.api.fault.FaultOutcome;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.paging.Access;
import io.mmsim.paging.demand.FaultHarness.FakeFile;
import io.mmsim.paging.demand.FaultHarness.FakeMm;
import io.mmsim.paging.demand.FaultHarness.Result;

/**
 * Seeded random sequences of reads, writes, new processes and teardowns over anonymous,
 * private-file, shared-file and shmem areas, checked byte by byte against a model of what each
 * process must see, with the kernel double's reference counts and the page table's invariants
 * checked after every step.
 */
final class DemandPagingRandomTest {
  private static final long ANON = 0x10000000L;
  private static final long ANON_RO = 0x10100000L;
  private static final long PRIV_FILE = 0x20000000L;
  private static final long SHARED_FILE = 0x30000000L;
  private static final long SHM = 0x40000000L;
  private static final long HOLE = 0x50000000L;
  private static final long[] AREAS = {ANON, ANON_RO, PRIV_FILE, SHARED_FILE, SHM, HOLE};
  private static final int[] PAGES = {8, 2, 3, 3, 2, 1};
  private static final int OFFSETS = 8;

  private FaultHarness k;
  private FakeFile privFile;
  private FakeFile sharedFile;
  private FakeFile shm;

  /** What a process sees: private bytes by address, and the pages of private files it copied. */
  private static final class Model {
    final Map<Long, Byte> bytes = new HashMap<>();
    final Set<Long> copied = new HashSet<>();
  }

  /** Shared page contents by file and offset (the page cache as the model sees it). */
  private final Map<FakeFile, Map<Long, Byte>> shared = new HashMap<>();

  private byte sharedByte(FakeFile f, long offset) {
    Byte b = shared.computeIfAbsent(f, x -> new HashMap<>()).get(offset);
    return b != null ? b : f.contents[(int) offset];
  }

  private void setup(FakeMm mm) {
    k.mmap(mm, ANON, PAGES[0], Prot.READ | Prot.WRITE, false, null, 0);
    k.mmap(mm, ANON_RO, PAGES[1], Prot.READ, false, null, 0);
    k.mmap(mm, PRIV_FILE, PAGES[2], Prot.READ | Prot.WRITE, false, privFile, 0);
    k.mmap(mm, SHARED_FILE, PAGES[3], Prot.READ | Prot.WRITE, true, sharedFile, 0);
    k.mmap(mm, SHM, PAGES[4], Prot.READ | Prot.WRITE, true, shm, 0);
  }

  private byte expected(Model m, long addr) {
    if (addr >= SHARED_FILE && addr < SHARED_FILE + 0x1000000) {
      return sharedByte(sharedFile, addr - SHARED_FILE);
    }
    if (addr >= SHM && addr < SHM + 0x1000000) {
      return sharedByte(shm, addr - SHM);
    }
    Byte b = m.bytes.get(addr);
    if (b != null) {
      return b;
    }
    if (addr >= PRIV_FILE && addr < PRIV_FILE + 0x1000000) {
      return sharedByte(privFile, addr - PRIV_FILE);
    }
    return 0;
  }

  @ParameterizedTest
  @CsvSource({"1, true", "2, true", "3, false", "77, true", "1234, false", "98765, true"})
  void randomOperations_everyProcessSeesWhatTheModelSays(long seed, boolean zeroPage) {
    k = FaultHarness.create(zeroPage);
    privFile = FakeFile.of("/lib/libc.so", PAGES[2] * Page.PAGE_SIZE, seed);
    sharedFile = FakeFile.of("/var/db", PAGES[3] * Page.PAGE_SIZE, seed + 1);
    shm = FakeFile.shmem(PAGES[4] * Page.PAGE_SIZE);
    long baseline = k.alloc.nrFreePages();
    SplittableRandom rnd = new SplittableRandom(seed);
    List<FakeMm> procs = new ArrayList<>();
    List<Model> models = new ArrayList<>();
    FakeMm first = k.spawn(1);
    setup(first);
    procs.add(first);
    models.add(new Model());
    int nextPid = 2;
    int majors = 0;
    for (int step = 0; step < 600; step++) {
      int i = rnd.nextInt(procs.size());
      FakeMm mm = procs.get(i);
      Model model = models.get(i);
      int op = rnd.nextInt(20);
      String what;
      if (op == 0 && procs.size() < 6) {
        FakeMm other = k.spawnLike(mm, nextPid++);
        procs.add(other);
        models.add(new Model());
        what = "spawn " + other.pid + " with the areas of " + mm.pid;
      } else if (op == 1 && procs.size() > 1) {
        k.teardown(mm);
        procs.remove(i);
        models.remove(i);
        what = "exit " + mm.pid;
      } else {
        int area = rnd.nextInt(AREAS.length);
        long page = AREAS[area] + (long) rnd.nextInt(PAGES[area]) * Page.PAGE_SIZE;
        long addr = page + rnd.nextInt(OFFSETS);
        boolean write = rnd.nextBoolean();
        boolean user = rnd.nextInt(8) != 0;
        what =
            String.format(
                "pid %d %s %s 0x%x",
                mm.pid, user ? "user" : "kernel", write ? "write" : "read", addr);
        Result r = k.access(mm, addr, write ? Access.WRITE : Access.READ, user);
        for (FaultOutcome o : r.outcomes()) {
          majors += o == FaultOutcome.MAJOR ? 1 : 0;
        }
        if (AREAS[area] == HOLE) {
          assertThat(r.last()).as(what).isEqualTo(FaultOutcome.SIGSEGV_MAPERR);
        } else if (AREAS[area] == ANON_RO && write) {
          assertThat(r.last()).as(what).isEqualTo(FaultOutcome.SIGSEGV_ACCERR);
        } else {
          assertThat(r.phys()).as("%s: %s", what, r.outcomes()).isNotNegative();
          assertThat(k.mem.readByte(r.phys())).as(what).isEqualTo(expected(model, addr));
          if (write) {
            byte value = (byte) rnd.nextInt(256);
            k.mem.writeByte(r.phys(), value);
            if (AREAS[area] == SHARED_FILE) {
              shared
                  .computeIfAbsent(sharedFile, x -> new HashMap<>())
                  .put(addr - SHARED_FILE, value);
            } else if (AREAS[area] == SHM) {
              shared.computeIfAbsent(shm, x -> new HashMap<>()).put(addr - SHM, value);
            } else {
              if (AREAS[area] == PRIV_FILE && model.copied.add(page)) {
                for (int o = 0; o < OFFSETS; o++) {
                  model.bytes.putIfAbsent(page + o, sharedByte(privFile, page - PRIV_FILE + o));
                }
              }
              model.bytes.put(addr, value);
            }
          }
        }
      }
      try {
        k.checkConsistency();
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + " step " + step + " (" + what + ")", e);
      }
    }
    assertThat(majors)
        .as("one major fault per file page read")
        .isEqualTo(privFile.reads + sharedFile.reads);
    assertThat(shm.reads).isLessThanOrEqualTo(PAGES[4]);
    for (FakeMm mm : new ArrayList<>(procs)) {
      k.teardown(mm);
    }
    k.checkConsistency();
    assertThat(k.refs.size()).as("only cache pages remain").isEqualTo(k.cacheOwner.size());
    k.dropCaches();
    assertThat(k.alloc.nrFreePages()).as("every frame and table is back").isEqualTo(baseline);
  }
}
