package io.mmsim.paging.x86;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.paging.Segment;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.util.Bits;

/**
 * The validated settings of the {@code x86_64} provider.
 *
 * @param levels paging levels, 4 or 5 (LA57)
 * @param tlbEntries TLB entries per CPU, a power of two
 * @param tlbWays TLB associativity, a power of two not above {@code tlbEntries} (1 = direct mapped,
 *     {@code tlbEntries} = fully associative)
 * @param nx EFER.NXE at boot
 * @param wp CR0.WP at boot
 * @param physBits MAXPHYADDR: entry bits from here to 51 are reserved
 * @param gbpages whether the direct map may use 1 GiB pages
 * @param userDsBase base of {@code __USER_DS}
 * @param userDsLimit raw 20-bit limit of {@code __USER_DS}, in 4 KiB units
 */
record X86Config(
    int levels,
    int tlbEntries,
    int tlbWays,
    boolean nx,
    boolean wp,
    int physBits,
    boolean gbpages,
    long userDsBase,
    long userDsLimit) {

  static final String LEVELS = "levels";
  static final String TLB_ENTRIES = "tlb-entries";
  static final String TLB_WAYS = "tlb-ways";
  static final String NX = "nx";
  static final String WP = "wp";
  static final String PHYS_BITS = "phys-bits";
  static final String GBPAGES = "gbpages";
  static final String USER_DS_BASE = "user-ds-base";
  static final String USER_DS_LIMIT = "user-ds-limit";

  /** Every key the provider reads, with its default, in documentation order. */
  static Map<String, String> defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(LEVELS, "4");
    m.put(TLB_ENTRIES, "64");
    m.put(TLB_WAYS, "4");
    m.put(NX, "true");
    m.put(WP, "true");
    m.put(PHYS_BITS, "46");
    m.put(GBPAGES, "true");
    m.put(USER_DS_BASE, "0");
    m.put(USER_DS_LIMIT, "0xfffff");
    return m;
  }

  /** Reads and checks the settings; {@code memoryBytes} must be addressable with them. */
  static X86Config from(Settings s, long memoryBytes) {
    int levels = s.getInt(LEVELS, 4, 5);
    int entries = s.getInt(TLB_ENTRIES, 1, 1 << 16);
    if (!Bits.isPowerOfTwo(entries)) {
      throw new ConfigurationException(
          s.fullKey(TLB_ENTRIES),
          s.fullKey(TLB_ENTRIES) + ": " + entries + " is not a power of two");
    }
    int ways = s.getInt(TLB_WAYS, 1, entries);
    if (!Bits.isPowerOfTwo(ways)) {
      throw new ConfigurationException(
          s.fullKey(TLB_WAYS), s.fullKey(TLB_WAYS) + ": " + ways + " is not a power of two");
    }
    int physBits = s.getInt(PHYS_BITS, 32, 52);
    if (memoryBytes > (1L << physBits)) {
      throw new ConfigurationException(
          s.fullKey(PHYS_BITS),
          String.format(
              "%s: %d bits address %d bytes, less than the machine's %d",
              s.fullKey(PHYS_BITS), physBits, 1L << physBits, memoryBytes));
    }
    long base = s.getLong(USER_DS_BASE);
    if (base < 0 || base > 0xffffffffL) {
      throw new ConfigurationException(
          s.fullKey(USER_DS_BASE),
          String.format(
              "%s: 0x%x does not fit the 32-bit segment base", s.fullKey(USER_DS_BASE), base));
    }
    long limit = s.getLong(USER_DS_LIMIT);
    if (limit < 0 || limit > Segment.MAX_RAW_LIMIT) {
      throw new ConfigurationException(
          s.fullKey(USER_DS_LIMIT),
          String.format(
              "%s: 0x%x does not fit the 20-bit segment limit (4 KiB units, at most 0xfffff)",
              s.fullKey(USER_DS_LIMIT), limit));
    }
    return new X86Config(
        levels,
        entries,
        ways,
        s.getBoolean(NX),
        s.getBoolean(WP),
        physBits,
        s.getBoolean(GBPAGES),
        base,
        limit);
  }
}
