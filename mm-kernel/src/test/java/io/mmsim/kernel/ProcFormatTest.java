package io.mmsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Test;

import io.mmsim.api.Statistics;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.Zone;
import io.mmsim.api.object.SlabInfo;
import io.mmsim.api.page.ZoneStats;
import io.mmsim.api.vmalloc.VmArea;
import io.mmsim.kernel.mm.Processes;
import io.mmsim.kernel.proc.ProcFs;
import io.mmsim.kernel.stat.VmEvent;
import io.mmsim.kernel.stat.VmEvents;

/**
 * The /proc views against a real kernel's output, byte for byte. The samples in {@code
 * src/test/resources/proc-samples} were read from a Linux 6.18 machine ({@code ORIGIN.md} there
 * says which and how). Each test parses a sample's values, feeds them to {@link ProcFs} through
 * plain doubles of the parts ({@link SampleParts}), and expects the sample's own lines back.
 *
 * <p>Where mmsim prints a view whole (buddyinfo, slabinfo, swaps) the whole file must be equal.
 * Where it prints a subset of the kernel's lines (zoneinfo, meminfo, vmstat, vmallocinfo, maps),
 * every line it prints must be the sample's line with the same name, in the sample's order; a line
 * whose value the test cannot feed (it comes from a part mmsim does not model, such as the page
 * cache behind MemAvailable) is matched by its name only, and each test lists those lines.
 */
final class ProcFormatTest {

  /** The sample's machine: 24 GiB (the Normal zone ends at PFN 0x640000), 2 CPUs. */
  private static final MemoryLayout LAYOUT = new MemoryLayout(6553600, 2);

  private static String sample(String name) {
    try (InputStream in = ProcFormatTest.class.getResourceAsStream("/proc-samples/" + name)) {
      assertThat(in).as("sample %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot read the sample " + name, e);
    }
  }

  /** The lines of {@code text}, trailing spaces kept, without the final newline's empty line. */
  private static List<String> lines(String text) {
    assertThat(text).endsWith("\n");
    return Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1));
  }

  private static ProcFs procFs(
      SampleParts.Pages pages,
      SampleParts.Objects objects,
      SampleParts.Vmalloc vmalloc,
      SampleParts.Tables tables,
      VmEvents events) {
    return new ProcFs(LAYOUT, pages, objects, vmalloc, tables, null, null, events);
  }

  /**
   * Every emitted line is the next sample line with the same key: the same bytes when the sample
   * line is fed ({@code fed} is true for its index), the same key otherwise.
   */
  private static void assertEmittedLinesMatch(
      List<String> sample, List<String> emitted, Function<String, String> key, IntPredicate fed) {
    int at = 0;
    for (String line : emitted) {
      String k = key.apply(line);
      int found = -1;
      for (int i = at; i < sample.size(); i++) {
        if (key.apply(sample.get(i)).equals(k)) {
          found = i;
          break;
        }
      }
      assertThat(found)
          .as("emitted line '%s' (key '%s') in the sample after line %d", line, k, at + 1)
          .isNotNegative();
      if (fed.test(found)) {
        assertThat(line).as("sample line %d", found + 1).isEqualTo(sample.get(found));
      }
      at = found + 1;
    }
  }

  /** The first word of a line, leading spaces dropped: the name of a /proc field. */
  private static String firstWord(String line) {
    String t = line.strip();
    int sp = t.indexOf(' ');
    return sp < 0 ? t : t.substring(0, sp);
  }

  // ================================================================ buddyinfo

  @Test
  void buddyinfo_sampleCounts_renderTheSampleByteForByte() {
    String text = sample("buddyinfo");
    SampleParts.Pages pages = new SampleParts.Pages();
    for (String line : lines(text)) {
      Zone zone = zoneNamed(line.substring(13, 21).strip());
      long[] blocks = longs(line.substring(22).strip().split(" +"));
      pages.zones.put(zone, emptyZone(zone, blocks));
    }

    assertThat(procFs(pages, null, null, null, new VmEvents()).buddyinfo()).isEqualTo(text);
  }

  private static Zone zoneNamed(String kernelName) {
    for (Zone z : Zone.values()) {
      if (z.kernelName().equals(kernelName)) {
        return z;
      }
    }
    throw new AssertionError("no zone " + kernelName);
  }

  private static long[] longs(String[] fields) {
    long[] v = new long[fields.length];
    for (int i = 0; i < fields.length; i++) {
      v[i] = Long.parseLong(fields[i]);
    }
    return v;
  }

  /** A zone that shows only free blocks (buddyinfo) or nothing at all (meminfo's zones). */
  private static ZoneStats emptyZone(Zone zone, long[] freeBlocks) {
    return new ZoneStats(
        zone,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        freeBlocks,
        new int[LAYOUT.cpus()],
        0,
        0,
        new long[Zone.count()]);
  }

  // ================================================================ zoneinfo

  @Test
  void zoneinfo_sampleValues_everyEmittedLineIsTheSamples() {
    List<String> sample = lines(sample("zoneinfo"));
    Map<String, Map<String, List<Long>>> sections = new LinkedHashMap<>();
    Map<String, Long> node = new LinkedHashMap<>();
    Map<String, List<Long>> current = null;
    for (String line : sample) {
      if (line.startsWith("Node 0, zone ")) {
        current = new LinkedHashMap<>();
        sections.put(line.substring(13).strip(), current);
      } else if (line.startsWith("      nr_slab_")) {
        node.putIfAbsent(firstWord(line), Long.parseLong(line.strip().split(" +")[1]));
      } else if (line.contains("protection: (")) {
        String inner = line.substring(line.indexOf('(') + 1, line.indexOf(')'));
        current.put(
            "protection:",
            List.of(Arrays.stream(inner.split(", ")).map(Long::valueOf).toArray(Long[]::new)));
      } else if (current != null && line.strip().matches("[a-z_:]+( [a-z]+:?)? +-?\\d+")) {
        String[] f = line.strip().split(" +");
        String k = f.length == 3 ? f[0] + " " + f[1] : f[0];
        current.computeIfAbsent(k, x -> new ArrayList<>()).add(Long.parseLong(f[f.length - 1]));
      }
    }
    SampleParts.Pages pages = new SampleParts.Pages();
    Set<Integer> mixedHigh = new HashSet<>();
    for (Zone z : Zone.values()) {
      Map<String, List<Long>> s = sections.get(z.kernelName());
      List<Long> highs = s.get("high:");
      long[] prot = new long[Zone.count()];
      for (int i = 0; i < prot.length; i++) {
        prot[i] = s.get("protection:").get(i);
      }
      pages.zones.put(
          z,
          new ZoneStats(
              z,
              s.get("start_pfn:").get(0),
              s.get("spanned").get(0),
              s.get("present").get(0),
              s.get("managed").get(0),
              s.get("pages free").get(0),
              s.get("min").get(0),
              s.get("low").get(0),
              s.get("high").get(0),
              new long[Page.NR_PAGE_ORDERS],
              new int[] {s.get("count:").get(0).intValue(), s.get("count:").get(1).intValue()},
              highs.get(0).intValue(),
              s.get("batch:").get(0).intValue(),
              prot));
      if (!highs.get(0).equals(highs.get(1))) {
        mixedHigh.add(z.ordinal());
      }
    }
    SampleParts.Objects objects = new SampleParts.Objects();
    objects.reclaimable = node.get("nr_slab_reclaimable");
    objects.unreclaimable = node.get("nr_slab_unreclaimable");

    List<String> emitted = lines(procFs(pages, objects, null, null, new VmEvents()).zoneinfo());

    // mmsim keeps one per-CPU high mark per zone; the 6.18 kernel tunes it per CPU, so the
    // second CPU's "high:" of a zone whose CPUs differ cannot be fed
    int zone = -1;
    int cpu = -1;
    boolean[] fed = new boolean[sample.size()];
    for (int i = 0; i < sample.size(); i++) {
      String l = sample.get(i);
      if (l.startsWith("Node 0, zone ")) {
        zone++;
        cpu = -1;
      } else if (l.startsWith("    cpu: ")) {
        cpu++;
      }
      fed[i] = !(firstWord(l).equals("high:") && cpu > 0 && mixedHigh.contains(zone));
    }
    assertEmittedLinesMatch(sample, emitted, ProcFormatTest::firstWord, i -> fed[i]);
    assertThat(emitted.stream().filter(l -> l.startsWith("Node 0, zone ")))
        .containsExactly("Node 0, zone      DMA", "Node 0, zone    DMA32", "Node 0, zone   Normal");
  }

  // ================================================================ meminfo

  @Test
  void meminfo_sampleValues_everyEmittedLineIsTheSamples() {
    List<String> sample = lines(sample("meminfo"));
    Map<String, Long> kb = new LinkedHashMap<>();
    for (String line : sample) {
      String[] f = line.split(":? +");
      kb.put(line.substring(0, line.indexOf(':')), Long.parseLong(f[1]));
    }
    SampleParts.Pages pages = new SampleParts.Pages();
    pages.free = kb.get("MemFree") / 4;
    pages.managed = kb.get("MemTotal") / 4;
    for (Zone z : Zone.values()) {
      pages.zones.put(z, emptyZone(z, new long[Page.NR_PAGE_ORDERS]));
    }
    SampleParts.Objects objects = new SampleParts.Objects();
    objects.reclaimable = kb.get("SReclaimable") / 4;
    objects.unreclaimable = kb.get("SUnreclaim") / 4;
    SampleParts.Vmalloc vmalloc = new SampleParts.Vmalloc();
    vmalloc.total = kb.get("VmallocTotal") << 10;
    vmalloc.used = kb.get("VmallocUsed") / 4;
    SampleParts.Tables tables = new SampleParts.Tables();
    tables.tables = kb.get("PageTables") / 4;
    tables.direct4k = kb.get("DirectMap4k") / 4;
    tables.direct2m = kb.get("DirectMap2M") / 2048;
    tables.direct1g = kb.get("DirectMap1G") / (1 << 20);

    List<String> emitted = lines(procFs(pages, objects, vmalloc, tables, new VmEvents()).meminfo());

    // MemAvailable adds the page cache, which mmsim keeps only with processes; mmsim has no block
    // devices, so Buffers is 0 where the sample's machine had some
    Set<String> notFed = Set.of("MemAvailable", "Buffers");
    assertEmittedLinesMatch(
        sample,
        emitted,
        l -> l.substring(0, l.indexOf(':')),
        i -> !notFed.contains(sample.get(i).substring(0, sample.get(i).indexOf(':'))));
    assertThat(emitted).contains(sample.get(0), sample.get(1));
  }

  // ================================================================ vmstat

  @Test
  void vmstat_sampleValues_everyEmittedLineIsTheSamples() {
    List<String> sample = lines(sample("vmstat"));
    Map<String, Long> v = new LinkedHashMap<>();
    for (String line : sample) {
      String[] f = line.split(" ");
      assertThat(f).as("'%s' is 'name value'", line).hasSize(2);
      v.put(f[0], Long.parseLong(f[1]));
    }
    SampleParts.Pages pages = new SampleParts.Pages();
    pages.free = v.get("nr_free_pages");
    pages.statistics =
        Statistics.builder()
            .put("pgalloc_dma", v.get("pgalloc_dma"))
            .put("pgalloc_dma32", v.get("pgalloc_dma32"))
            .put("pgalloc_normal", v.get("pgalloc_normal"))
            .put("pgfree", v.get("pgfree"))
            .build();
    SampleParts.Objects objects = new SampleParts.Objects();
    objects.reclaimable = v.get("nr_slab_reclaimable");
    objects.unreclaimable = v.get("nr_slab_unreclaimable");
    SampleParts.Tables tables = new SampleParts.Tables();
    tables.tables = v.get("nr_page_table_pages");
    VmEvents events = new VmEvents();
    events.add(VmEvent.PGFAULT, v.get("pgfault"));
    events.add(VmEvent.PGMAJFAULT, v.get("pgmajfault"));
    events.add(VmEvent.OOM_KILL, v.get("oom_kill"));

    String text = procFs(pages, objects, null, tables, events).vmstat();
    List<String> emitted = lines(text);

    // these come from the swap subsystem and the replacement policy, which this test does not
    // build; with neither, mmsim prints 0 for them
    Set<String> notFed =
        Set.of(
            "allocstall_normal",
            "pgactivate",
            "pgdeactivate",
            "pgsteal_kswapd",
            "pgsteal_direct",
            "pgscan_kswapd",
            "pgscan_direct",
            "pageoutrun");
    assertEmittedLinesMatch(
        sample, emitted, l -> l.split(" ")[0], i -> !notFed.contains(sample.get(i).split(" ")[0]));
    assertThat(text).endsWith(sample.get(sample.size() - 1) + "\n");
  }

  // ================================================================ slabinfo

  @Test
  void slabinfo_sampleRows_renderTheSampleByteForByte() {
    String text = sample("slabinfo");
    List<String> sample = lines(text);
    SampleParts.Objects objects = new SampleParts.Objects();
    for (String line : sample.subList(2, sample.size())) {
      String[] f = line.split(" +");
      assertThat(f).as("'%s'", line).hasSize(16);
      objects.rows.add(
          new SlabInfo(
              f[0],
              Long.parseLong(f[1]),
              Long.parseLong(f[2]),
              Integer.parseInt(f[3]),
              Integer.parseInt(f[4]),
              Integer.parseInt(f[5]),
              Integer.parseInt(f[8]),
              Integer.parseInt(f[9]),
              Integer.parseInt(f[10]),
              Long.parseLong(f[13]),
              Long.parseLong(f[14]),
              Long.parseLong(f[15])));
    }

    assertThat(procFs(new SampleParts.Pages(), objects, null, null, new VmEvents()).slabinfo())
        .isEqualTo(text);
  }

  // ================================================================ vmallocinfo

  /**
   * Rows mmsim can express (vmalloc, vmap, unpurged vm_area; not ioremap with its phys=) are
   * rendered from their parsed fields. The sample's addresses are hashed ({@code %pK}), so its end
   * address is not start + size: the start and everything after the end address must match.
   */
  @Test
  void vmallocinfo_sampleRows_renderAsTheSampleAfterTheHashedEnd() {
    List<String> sample = lines(sample("vmallocinfo-excerpt"));
    SampleParts.Vmalloc vmalloc = new SampleParts.Vmalloc();
    List<String> expected = new ArrayList<>();
    for (String line : sample) {
      VmArea a = parseVmArea(line);
      if (a != null) {
        vmalloc.areas.add(a);
        expected.add(line);
      }
    }
    assertThat(expected).as("rows mmsim can express").hasSizeGreaterThan(30);

    List<String> emitted =
        lines(procFs(new SampleParts.Pages(), null, vmalloc, null, new VmEvents()).vmallocinfo());

    assertThat(emitted).hasSameSizeAs(expected);
    for (int i = 0; i < emitted.size(); i++) {
      String want = expected.get(i);
      String got = emitted.get(i);
      assertThat(got.substring(0, 19)).isEqualTo(want.substring(0, 19));
      assertThat(got.substring(37))
          .as("row %d after the addresses", i)
          .isEqualTo(want.substring(37));
    }
  }

  /** A row as a VmArea, or null when mmsim has no such kind of area. */
  private static VmArea parseVmArea(String line) {
    long start = Long.parseUnsignedLong(line.substring(2, 18), 16);
    String[] f = line.substring(37).strip().split(" ");
    long size = Long.parseLong(f[0]);
    if (line.endsWith(" unpurged vm_area")) {
      return new VmArea(start, size, "", 0, VmArea.UNPURGED, false, 0);
    }
    String caller = "";
    long pages = 0;
    long node = 0;
    String kind = null;
    boolean vpages = false;
    for (int i = 1; i < f.length; i++) {
      String t = f[i];
      if (t.startsWith("pages=")) {
        pages = Long.parseLong(t.substring(6));
      } else if (t.startsWith("N0=")) {
        node = Long.parseLong(t.substring(3));
      } else if (t.equals("vmalloc") || t.equals("vmap")) {
        kind = t;
      } else if (t.equals("vpages")) {
        vpages = true;
      } else if (t.contains("+0x")) {
        caller = t;
      } else {
        return null; // phys=, ioremap, user: kinds mmsim does not make
      }
    }
    return kind == null ? null : new VmArea(start, size, caller, pages, kind, vpages, node);
  }

  // ================================================================ swaps

  @Test
  void swaps_noArea_isTheSamplesHeader() {
    Kernel k = Kernel.builder().set("memory.size", "64M").boot();

    assertThat(k.procNames()).contains("swaps");
    assertThat(k.proc("swaps")).isEqualTo(sample("swaps"));
  }

  // ================================================================ /proc/PID/maps

  /**
   * The sample's anonymous mappings, mapped at their addresses with their permissions, print as the
   * sample's lines (a trailing space after the inode, no name). Named and file-backed rows depend
   * on the sample machine's files and on where its kernel put the heap and stack.
   */
  @Test
  void maps_sampleAnonymousMappings_printAsTheSamplesLines() {
    List<String> anonymous = new ArrayList<>();
    for (String line : lines(sample("self-maps"))) {
      if (line.endsWith(" 00:00 0 ")) {
        anonymous.add(line);
      }
    }
    assertThat(anonymous).hasSizeGreaterThanOrEqualTo(3);
    Kernel k = Kernel.builder().set("memory.size", "64M").boot();
    Processes ps = k.processes();
    ps.spawn(1);
    for (String line : anonymous) {
      String[] range = line.substring(0, line.indexOf(' ')).split("-");
      long start = Long.parseUnsignedLong(range[0], 16);
      long end = Long.parseUnsignedLong(range[1], 16);
      int prot = Prot.parse(line.substring(line.indexOf(' ') + 1, line.indexOf(' ') + 4));
      ps.mmap(1, end - start, prot, null, 0, false, start, false);
    }

    List<String> maps = lines(k.proc("1/maps"));

    assertThat(maps).containsAll(anonymous);
  }
}
