package io.mmsim.slub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mmsim.api.object.SlabAlignment;
import io.mmsim.api.object.SlabFlags;

final class SlubLayoutTest {

  private static SlubLayout kmalloc(int size, int cpus) {
    int align = Integer.bitCount(size) == 1 ? size : 8;
    return SlubLayout.of(
        size,
        SlabAlignment.calculateAlignment(0, align, size),
        0,
        false,
        true,
        SlubTunables.DEFAULTS,
        cpus);
  }

  // ================================================================ calculate_order

  @ParameterizedTest(name = "{0} bytes on {1} CPU(s): {2} objects in {3} page(s)")
  @CsvSource({
    // 1 CPU: calculate_order (mm/slub.c) takes min_objects = 4 * (fls(nr_cpus) + 1) = 8, so
    // kmalloc-4k needs order 3 for 8 objects while kmalloc-64 fits 64 in order 0
    "8, 1, 512, 1",
    "16, 1, 256, 1",
    "32, 1, 128, 1",
    "64, 1, 64, 1",
    "96, 1, 42, 1",
    "128, 1, 32, 1",
    "192, 1, 21, 1",
    "256, 1, 16, 1",
    "512, 1, 8, 1",
    "1024, 1, 8, 2",
    "2048, 1, 8, 4",
    "4096, 1, 8, 8",
    "8192, 1, 4, 8",
    // 2 CPUs: min_objects 12
    "64, 2, 64, 1",
    "256, 2, 16, 1",
    "512, 2, 16, 2",
    "1024, 2, 16, 4",
    "2048, 2, 16, 8",
    "4096, 2, 8, 8",
    "8192, 2, 4, 8",
    // 8 CPUs: min_objects 20 (the familiar slabinfo of an 8-CPU machine)
    "64, 8, 64, 1",
    "96, 8, 42, 1",
    "128, 8, 32, 1",
    "192, 8, 21, 1",
    "256, 8, 32, 2",
    "512, 8, 32, 4",
    "1024, 8, 32, 8",
    "2048, 8, 16, 8",
    "4096, 8, 8, 8",
    "8192, 8, 4, 8"
  })
  void calculateOrder_kmallocCaches_kernelObjectsAndPagesPerSlab(
      int size, int cpus, int objects, int pages) {
    SlubLayout l = kmalloc(size, cpus);
    assertThat(l.size).isEqualTo(size);
    assertThat(l.objects).isEqualTo(objects);
    assertThat(1 << l.order).isEqualTo(pages);
  }

  @Test
  void calculateOrder_minObjects_growsWithFlsOfCpus() {
    // fls(1)=1 -> 8, fls(2)=2 -> 12, fls(3)=2 -> 12, fls(4)=3 -> 16, fls(8)=4 -> 20
    assertThat(SlubLayout.calculateOrder(1024, SlubTunables.DEFAULTS, 1)).isEqualTo(1);
    assertThat(SlubLayout.calculateOrder(1024, SlubTunables.DEFAULTS, 3)).isEqualTo(2);
    assertThat(SlubLayout.calculateOrder(1024, SlubTunables.DEFAULTS, 4)).isEqualTo(2);
    assertThat(SlubLayout.calculateOrder(1024, SlubTunables.DEFAULTS, 8)).isEqualTo(3);
  }

  @Test
  void calculateOrder_wasteAboveASixteenth_takesAHigherOrder() {
    // 704-byte slots: order 0 wastes 576 of 4096 (> 1/16), order 1 wastes 448 of 8192 (<= 1/16)
    assertThat(SlubLayout.calculateOrder(704, SlubTunables.DEFAULTS, 1)).isEqualTo(1);
    // 1400-byte slots, 1 CPU: min order get_order(11200) = 2, 16384 % 1400 = 984 <= 1024
    assertThat(SlubLayout.calculateOrder(1400, SlubTunables.DEFAULTS, 1)).isEqualTo(2);
  }

  @Test
  void calculateOrder_objectsLargerThanMaxOrder_takeGetOrderOfSize() {
    // 20000 bytes: order 3 leaves 12768 (<= 1/2), 40000 bytes cannot fit order 3 at all
    assertThat(SlubLayout.calculateOrder(20000, SlubTunables.DEFAULTS, 1)).isEqualTo(3);
    assertThat(SlubLayout.calculateOrder(40000, SlubTunables.DEFAULTS, 1)).isEqualTo(4);
    assertThat(SlubLayout.calculateOrder(1 << 20, SlubTunables.DEFAULTS, 1)).isEqualTo(8);
  }

  @Test
  void calculateOrder_tunables_minAndMaxOrderAndMinObjects() {
    assertThat(SlubLayout.calculateOrder(64, new SlubTunables(2, 3, 0, false), 1)).isEqualTo(2);
    assertThat(SlubLayout.calculateOrder(4096, new SlubTunables(0, 1, 0, false), 1)).isEqualTo(1);
    assertThat(SlubLayout.calculateOrder(512, new SlubTunables(0, 3, 64, false), 1)).isEqualTo(3);
  }

  @Test
  void calculateOrder_wasteExactlyTheFraction_isAccepted() {
    // 480-byte slots, 1 CPU: min order 0; 4096 % 480 = 256 = 4096 / 16, accepted (rem <= 1/16)
    assertThat(SlubLayout.calculateOrder(480, SlubTunables.DEFAULTS, 1)).isZero();
    // 1500-byte slots: min order get_order(12000) = 2 wastes 1384 > 1024; order 3 wastes 1268
    assertThat(SlubLayout.calculateOrder(1500, SlubTunables.DEFAULTS, 1)).isEqualTo(3);
  }

  @Test
  void calculateOrder_noOrderWithinASixteenth_relaxesToAnEighth() {
    // 3000-byte slots, 1 CPU: min order get_order(24000) = 3 wastes 2768 > 32768 / 16 = 2048 and
    // order 4 is above slub_max_order; with fraction 8 (4096) order 3 is taken
    assertThat(SlubLayout.calculateOrder(3000, SlubTunables.DEFAULTS, 1)).isEqualTo(3);
  }

  @Test
  void calculateOrder_tooManyObjectsAtMinOrder_capsAtMaxObjsPerPage() {
    // slub_min_order=10 for 8-byte slots: 524288 objects > MAX_OBJS_PER_PAGE, so the order is
    // get_order(8 * 32767) - 1 = 6 - 1 = 5
    assertThat(SlubLayout.calculateOrder(8, new SlubTunables(10, 10, 0, false), 1)).isEqualTo(5);
  }

  @Test
  void of_largestOrder_acceptedAndOneBeyondRefused() {
    // 4 MiB objects: one per order-10 slab, the largest block of the page allocator
    SlubLayout max = SlubLayout.of(1 << 22, 8, 0, false, false, SlubTunables.DEFAULTS, 1);
    assertThat(max).isNotNull();
    assertThat(max.order).isEqualTo(10);
    assertThat(max.objects).isEqualTo(1);
    assertThat(SlubLayout.of((1 << 22) + 8, 8, 0, false, false, SlubTunables.DEFAULTS, 1)).isNull();
  }

  // ================================================================ calculate_sizes

  @Test
  void layout_plainCache_freePointerInTheMiddle() {
    SlubLayout l = SlubLayout.of(64, 8, 0, false, false, SlubTunables.DEFAULTS, 1);
    assertThat(l.offset).isEqualTo(32);
    assertThat(l.inuse).isEqualTo(64);
    assertThat(l.size).isEqualTo(64);
    assertThat(l.freePointerOutside()).isFalse();
    SlubLayout odd = SlubLayout.of(20, 8, 0, false, false, SlubTunables.DEFAULTS, 1);
    assertThat(odd.offset).isEqualTo(8);
    assertThat(odd.size).isEqualTo(24);
    SlubLayout tiny = SlubLayout.of(8, 8, 0, false, false, SlubTunables.DEFAULTS, 1);
    assertThat(tiny.offset).isZero();
  }

  @Test
  void layout_constructorOrPoison_freePointerAfterTheObject() {
    SlubLayout ctor = SlubLayout.of(64, 8, 0, true, false, SlubTunables.DEFAULTS, 1);
    assertThat(ctor.offset).isEqualTo(64);
    assertThat(ctor.size).isEqualTo(72);
    assertThat(ctor.freePointerOutside()).isTrue();
    SlubLayout poison =
        SlubLayout.of(64, 8, SlabFlags.POISON, false, false, SlubTunables.DEFAULTS, 1);
    assertThat(poison.offset).isEqualTo(64);
    assertThat(poison.objectPoison).isTrue();
    SlubLayout poisonCtor =
        SlubLayout.of(64, 8, SlabFlags.POISON, true, false, SlubTunables.DEFAULTS, 1);
    assertThat(poisonCtor.objectPoison).isFalse();
  }

  @Test
  void layout_kmalloc64WithFzpu_everyRegionInPlace() {
    int flags = SlubDebugOptions.DEFAULT_FLAGS;
    SlubLayout l = SlubLayout.of(64, 64, flags, false, true, SlubTunables.DEFAULTS, 1);
    // object 64, red zone word -> inuse 72, free pointer at 72, two 32-byte tracks, orig_size 4,
    // one padding word, left red zone of 8 rounded up to the 64-byte alignment, slot aligned
    assertThat(l.inuse).isEqualTo(72);
    assertThat(l.offset).isEqualTo(72);
    assertThat(l.infoEnd).isEqualTo(80);
    assertThat(l.padStart).isEqualTo(80 + 64 + 4);
    assertThat(l.redLeftPad).isEqualTo(64);
    assertThat(l.size).isEqualTo(256);
    assertThat(l.origSizeTracked).isTrue();
  }

  @Test
  void layout_rcuCache_freePointerAfterTheObject() {
    SlubLayout rcu =
        SlubLayout.of(64, 8, SlabFlags.TYPESAFE_BY_RCU, false, false, SlubTunables.DEFAULTS, 1);
    assertThat(rcu.offset).isEqualTo(64);
    assertThat(rcu.size).isEqualTo(72);
    assertThat(rcu.freePointerOutside()).isTrue();
    SlubLayout rcuPoison =
        SlubLayout.of(
            64,
            8,
            SlabFlags.TYPESAFE_BY_RCU | SlabFlags.POISON,
            false,
            false,
            SlubTunables.DEFAULTS,
            1);
    // an RCU object may be read after free: it is never poisoned
    assertThat(rcuPoison.objectPoison).isFalse();
  }

  @Test
  void layout_redZone_freePointerPlacement() {
    // 4-byte objects: ALIGN(4, 8) = 8, no extra word (size != object_size), inuse 8; an object
    // smaller than a pointer keeps its free pointer outside: offset 8, +8 = 16; right red zone
    // word 24; left red zone 8: 32
    SlubLayout tiny =
        SlubLayout.of(4, 8, SlabFlags.RED_ZONE, false, false, SlubTunables.DEFAULTS, 1);
    assertThat(tiny.inuse).isEqualTo(8);
    assertThat(tiny.offset).isEqualTo(8);
    assertThat(tiny.redLeftPad).isEqualTo(8);
    assertThat(tiny.size).isEqualTo(32);
    // 8-byte objects are not smaller than a pointer: free pointer in the middle, ALIGN_DOWN(4, 8)
    SlubLayout word =
        SlubLayout.of(8, 8, SlabFlags.RED_ZONE, false, false, SlubTunables.DEFAULTS, 1);
    assertThat(word.inuse).isEqualTo(16);
    assertThat(word.offset).isZero();
    assertThat(word.size).isEqualTo(32);
    // 64 bytes, not kmalloc: red zone word 72, middle free pointer 32, red zones: 80 + 8 = 88
    SlubLayout plain =
        SlubLayout.of(64, 8, SlabFlags.RED_ZONE, false, false, SlubTunables.DEFAULTS, 1);
    assertThat(plain.inuse).isEqualTo(72);
    assertThat(plain.offset).isEqualTo(32);
    assertThat(plain.freePointerOutside()).isFalse();
    assertThat(plain.size).isEqualTo(88);
    // a kmalloc cache with Z and U keeps orig_size after the tracks: the free pointer goes outside
    SlubLayout kmallocZu =
        SlubLayout.of(
            64,
            8,
            SlabFlags.RED_ZONE | SlabFlags.STORE_USER,
            false,
            true,
            SlubTunables.DEFAULTS,
            1);
    assertThat(kmallocZu.offset).isEqualTo(72);
    SlubLayout cacheZu =
        SlubLayout.of(
            64,
            8,
            SlabFlags.RED_ZONE | SlabFlags.STORE_USER,
            false,
            false,
            SlubTunables.DEFAULTS,
            1);
    assertThat(cacheZu.offset).isEqualTo(32);
  }

  @Test
  void layout_kmallocWithStoreUser_origSizeAfterTheTracks() {
    // U alone on a kmalloc cache: object 64 (free pointer in the middle), two 32-byte tracks,
    // 4 bytes of orig_size: 132, rounded up to the 8-byte alignment: 136
    SlubLayout l =
        SlubLayout.of(64, 8, SlabFlags.STORE_USER, false, true, SlubTunables.DEFAULTS, 1);
    assertThat(l.offset).isEqualTo(32);
    assertThat(l.padStart).isEqualTo(132);
    assertThat(l.size).isEqualTo(136);
    assertThat(l.origSizeTracked).isTrue();
    SlubLayout notKmalloc =
        SlubLayout.of(64, 8, SlabFlags.STORE_USER, false, false, SlubTunables.DEFAULTS, 1);
    assertThat(notKmalloc.size).isEqualTo(128);
    assertThat(notKmalloc.origSizeTracked).isFalse();
  }

  @Test
  void calculateAlignment_hwcacheAlign_halvesWhileTheObjectFits() {
    assertThat(SlabAlignment.calculateAlignment(SlabFlags.HWCACHE_ALIGN, 0, 50)).isEqualTo(64);
    assertThat(SlabAlignment.calculateAlignment(SlabFlags.HWCACHE_ALIGN, 0, 20)).isEqualTo(32);
    assertThat(SlabAlignment.calculateAlignment(SlabFlags.HWCACHE_ALIGN, 0, 6)).isEqualTo(8);
    assertThat(SlabAlignment.calculateAlignment(0, 0, 6)).isEqualTo(8);
    assertThat(SlabAlignment.calculateAlignment(0, 128, 6)).isEqualTo(128);
  }
}
