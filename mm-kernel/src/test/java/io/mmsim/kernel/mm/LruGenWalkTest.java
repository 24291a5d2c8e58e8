package io.mmsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.paging.Access;
import io.mmsim.api.reclaim.PageTableScan;
import io.mmsim.kernel.Kernel;

/** The multi-gen LRU's page-table walks over a real address space (walk_mm, look-around). */
final class LruGenWalkTest {
  private static final int RW = Prot.READ | Prot.WRITE;
  private static final long AT = 0x4000_0000L; // 2 MiB aligned: one PTE table per 512 pages

  private Kernel kernel;
  private Processes p;
  private LruGenWalk walk;

  @BeforeEach
  void boot() {
    kernel =
        Kernel.builder()
            .set("memory.size", "64M")
            .set("object-allocator", "none")
            .set("virtual-allocator", "none")
            .boot();
    p = kernel.processes();
    walk = new LruGenWalk(kernel.pageTable(), kernel.zeroPfn());
  }

  /** Records what a walk reports. */
  private static final class Recorder implements PageTableScan {
    boolean accept = true;
    final List<Long> tables = new ArrayList<>();
    final List<Long> young = new ArrayList<>();
    final List<int[]> left = new ArrayList<>();

    @Override
    public boolean enterTable(long table) {
      tables.add(table);
      return accept;
    }

    @Override
    public void young(long key) {
      young.add(key);
    }

    @Override
    public void leaveTable(long table, int entries, int young) {
      left.add(new int[] {entries, young});
    }
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long v = from; v < to; v++) {
      out.add(v);
    }
    return out;
  }

  private Task touched(int pages, int from, int to) {
    Task t = p.spawn(1);
    p.mmap(1, (long) pages << 12, RW, null, 0, false, AT, false);
    for (int i = from; i < to; i++) {
      assertThat(p.touch(t, 0, AT + ((long) i << 12), Access.WRITE)).isTrue();
    }
    return t;
  }

  @Test
  void walkMm_touchedPages_reportedByVpnOnceTheirAccessedBitsCleared() {
    Task t = touched(600, 0, 600);
    Recorder r = new Recorder();

    walk.walkMm(t.mm, r, false);

    assertThat(r.young).containsExactlyElementsOf(range(AT >>> 12, (AT >>> 12) + 600));
    // the area spans two PTE tables: 512 entries, then 88 (the stack has no table yet)
    assertThat(r.left).extracting(a -> a[0]).containsExactly(512, 88);
    assertThat(r.left).extracting(a -> a[1]).containsExactly(512, 88);
    Recorder again = new Recorder();
    walk.walkMm(t.mm, again, false);
    assertThat(again.young).isEmpty();
    assertThat(again.tables).isEqualTo(r.tables);
  }

  @Test
  void walkMm_tableRefused_itsEntriesKeepTheirAccessedBits() {
    Task t = touched(600, 0, 600);
    Recorder refuse = new Recorder();
    refuse.accept = false;
    walk.walkMm(t.mm, refuse, true);
    assertThat(refuse.young).isEmpty();
    assertThat(refuse.left).isEmpty();

    Recorder r = new Recorder();
    walk.walkMm(t.mm, r, true); // keys are frames now
    assertThat(r.young).hasSize(600).doesNotHaveDuplicates();
  }

  @Test
  void lookAround_insideALargeArea_isTheCentredWindowOf64Pages() {
    Task t = touched(512, 0, 512);
    walk.walkMm(t.mm, new Recorder(), false); // all old
    for (int i = 0; i < 512; i++) {
      p.touch(t, 0, AT + ((long) i << 12), Access.READ);
    }
    long vpn = (AT >>> 12) + 200;
    Recorder r = new Recorder();

    walk.lookAround(t.mm, vpn, r, false);

    assertThat(r.young).containsExactlyElementsOf(range(vpn - 32, vpn + 32));
    assertThat(r.left.get(0)).containsExactly(64, 64);
  }

  @Test
  void lookAround_nearTheAreaStart_windowStartsThere() {
    Task t = touched(512, 0, 512);
    long vpn = (AT >>> 12) + 10;
    Recorder r = new Recorder();

    walk.lookAround(t.mm, vpn, r, false);

    assertThat(r.young).containsExactlyElementsOf(range(AT >>> 12, (AT >>> 12) + 64));
  }

  @Test
  void workingsetPack_tokenAndLruvec_roundTripThroughTheShadowLayout() {
    long shadow = Workingset.pack(0x3f_ffff_ffffL, Workingset.lruvecOf(7));
    assertThat(shadow).isPositive();
    assertThat(shadow >>> Workingset.LRUVEC_BITS).isEqualTo(0x3f_ffff_ffffL);
    assertThat(shadow & ((1L << Workingset.LRUVEC_BITS) - 1)).isEqualTo(8);
  }
}
