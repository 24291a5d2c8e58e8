package io.mmsim.paging.x86;

/**
 * The invariants of one CPU's TLB, recounted from its arrays: every 4 KiB slot holds a 4 KiB
 * translation in the set its page number selects, no page is cached twice in a set, every
 * large-page slot's size matches its tag, the copy of the last hit or fill equals its slot, and the
 * valid and huge counts equal what the slots hold. Kept apart from {@link X86Mmu}, whose TLB is a
 * hot path: this is a test-time scan of the whole TLB, run by {@code X86Mmu.checkInvariants} and so
 * by {@link X86PageTableInvariants} for every MMU.
 */
final class X86TlbInvariants {
  private X86TlbInvariants() {}

  /** Recounts the TLB of {@code m}; throws AssertionError on a mismatch. */
  static void check(X86Mmu m) {
    int cpu = m.cpu();
    long[] tlb = m.tlb;
    int v = 0;
    int h = 0;
    for (int i = 0; i < X86Mmu.LARGE_TLB_ENTRIES; i++) {
      if (m.largeTag[i] != X86Mmu.EMPTY) {
        h++;
        long sz = (m.largeVal[i] & X86Mmu.SZ_MASK) >>> X86Mmu.SZ_SHIFT;
        if (sz != 1 + (m.largeTag[i] & 1)) {
          throw new AssertionError("cpu " + cpu + ": large TLB slot " + i + " has size " + sz);
        }
      }
    }
    for (int i = 0; i < m.entries; i++) {
      if (tlb[i << 1] != X86Mmu.EMPTY) {
        v++;
        if ((tlb[i << 1 | 1] & X86Mmu.SZ_MASK) != 0) {
          throw new AssertionError("cpu " + cpu + ": a large page in 4 KiB TLB slot " + i);
        }
        int set = (int) tlb[i << 1] & m.setMask;
        if (i >> m.waysShift != set) {
          throw new AssertionError(
              "cpu "
                  + cpu
                  + ": TLB slot "
                  + i
                  + " holds vpn 0x"
                  + Long.toHexString(tlb[i << 1])
                  + " of set "
                  + set);
        }
        for (int j = i + 1; j < ((i >> m.waysShift) + 1) << m.waysShift; j++) {
          if (tlb[j << 1] == tlb[i << 1]) {
            throw new AssertionError(
                "cpu " + cpu + ": vpn 0x" + Long.toHexString(tlb[i << 1]) + " cached twice");
          }
        }
      }
    }
    int last = m.lastSlot;
    if (m.lastVpn != X86Mmu.EMPTY
        && (tlb[last << 1] != m.lastVpn || tlb[last << 1 | 1] != m.lastVal)) {
      throw new AssertionError("cpu " + cpu + ": the copy of TLB slot " + last + " is stale");
    }
    if (v != m.valid || h != m.hugeCached) {
      throw new AssertionError(
          "cpu "
              + cpu
              + ": TLB counted "
              + v
              + " valid / "
              + h
              + " huge, recorded "
              + m.valid
              + " / "
              + m.hugeCached);
    }
  }
}
