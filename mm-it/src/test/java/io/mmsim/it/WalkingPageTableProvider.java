package io.mmsim.it;

import java.util.Map;

import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.spi.MemoryContext;
import io.mmsim.api.spi.PageTableProvider;
import io.mmsim.api.spi.SpiVersion;

/**
 * The {@code x86_64} page tables with their MMUs seen only through the calls every MMU has: no
 * {@link Mmu#faultPteSlot} (a fault handler walks to its entry) and no {@link Mmu#retryTranslate}
 * of its own (the access restarted after a fault walks again from CR3). The slow path the shortcuts
 * must match, for the test sources of mm-it.
 */
final class WalkingPageTableProvider implements PageTableProvider {
  private final PageTableProvider x86;

  /** Wraps the discovered {@code x86_64} provider. */
  WalkingPageTableProvider(PageTableProvider x86) {
    this.x86 = x86;
  }

  @Override
  public String name() {
    return "x86_64-walk";
  }

  @Override
  public String description() {
    return "x86_64 whose MMUs walk for every fault handler and restarted access (test sources)";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    return x86.defaultSettings();
  }

  @Override
  public PageTable create(MemoryContext ctx) {
    return new Tables(x86.create(ctx));
  }

  /** Every call goes to the x86 page table; its MMUs are wrapped. */
  private static final class Tables implements PageTable {
    private final PageTable pt;
    private final Mmu[] mmus = new Mmu[64];

    Tables(PageTable pt) {
      this.pt = pt;
    }

    @Override
    public int levels() {
      return pt.levels();
    }

    @Override
    public int virtualAddressBits() {
      return pt.virtualAddressBits();
    }

    @Override
    public boolean isCanonical(long linear) {
      return pt.isCanonical(linear);
    }

    @Override
    public long pageOffset() {
      return pt.pageOffset();
    }

    @Override
    public long taskSizeMax() {
      return pt.taskSizeMax();
    }

    @Override
    public long supportedPteMask() {
      return pt.supportedPteMask();
    }

    @Override
    public long pfnPte(long pfn, long flags) {
      return pt.pfnPte(pfn, flags);
    }

    @Override
    public long kernelRoot() {
      return pt.kernelRoot();
    }

    @Override
    public boolean isRoot(long root) {
      return pt.isRoot(root);
    }

    @Override
    public long createAddressSpace() {
      return pt.createAddressSpace();
    }

    @Override
    public void destroyAddressSpace(long root) {
      pt.destroyAddressSpace(root);
    }

    @Override
    public long readPte(long root, long linear) {
      return pt.readPte(root, linear);
    }

    @Override
    public long pteSlot(long root, long linear) {
      return pt.pteSlot(root, linear);
    }

    @Override
    public long readEntry(long root, long linear, int level) {
      return pt.readEntry(root, linear, level);
    }

    @Override
    public boolean writePte(long root, long linear, long pte) {
      return pt.writePte(root, linear, pte);
    }

    @Override
    public boolean hugePmdSupported() {
      return pt.hugePmdSupported();
    }

    @Override
    public boolean writeHugePmd(long root, long linear, long entry) {
      return pt.writeHugePmd(root, linear, entry);
    }

    @Override
    public boolean splitHugePmd(long root, long linear) {
      return pt.splitHugePmd(root, linear);
    }

    @Override
    public void walkRange(long root, long start, long end, PteVisitor visitor) {
      pt.walkRange(root, start, end, visitor);
    }

    @Override
    public long freeEmptyTables(long root, long start, long end) {
      return pt.freeEmptyTables(root, start, end);
    }

    @Override
    public long virtToPhys(long root, long linear) {
      return pt.virtToPhys(root, linear);
    }

    @Override
    public long tablePages() {
      return pt.tablePages();
    }

    @Override
    public long kernelTablePages() {
      return pt.kernelTablePages();
    }

    @Override
    public long tablePages(long root) {
      return pt.tablePages(root);
    }

    @Override
    public long directMapPages(long pageSize) {
      return pt.directMapPages(pageSize);
    }

    @Override
    public Mmu mmu(int cpu) {
      Mmu real = pt.mmu(cpu);
      if (mmus[cpu] == null) {
        mmus[cpu] = new Walking(real);
      }
      return mmus[cpu];
    }

    @Override
    public void flushTlbPage(long linear) {
      pt.flushTlbPage(linear);
    }

    @Override
    public void flushTlbMm(long root) {
      pt.flushTlbMm(root);
    }

    @Override
    public void checkInvariants() {
      pt.checkInvariants();
    }

    @Override
    public void describeFrames(FrameMap map) {
      pt.describeFrames(map);
    }
  }

  /** An MMU with the interface's defaults for the two shortcuts, everything else delegated. */
  private static final class Walking implements Mmu {
    private final Mmu m;

    Walking(Mmu m) {
      this.m = m;
    }

    @Override
    public int cpu() {
      return m.cpu();
    }

    @Override
    public void loadCr3(long rootPfn) {
      m.loadCr3(rootPfn);
    }

    @Override
    public long cr3() {
      return m.cr3();
    }

    @Override
    public long cr0() {
      return m.cr0();
    }

    @Override
    public long cr4() {
      return m.cr4();
    }

    @Override
    public long efer() {
      return m.efer();
    }

    @Override
    public void writeCr0(long value) {
      m.writeCr0(value);
    }

    @Override
    public void writeCr4(long value) {
      m.writeCr4(value);
    }

    @Override
    public void writeEfer(long value) {
      m.writeEfer(value);
    }

    @Override
    public long translate(long linear, int access, boolean user) {
      return m.translate(linear, access, user);
    }

    @Override
    public long cr2() {
      return m.cr2();
    }

    @Override
    public int errorCode() {
      return m.errorCode();
    }

    @Override
    public int lastVector() {
      return m.lastVector();
    }

    @Override
    public int selector(int sreg) {
      return m.selector(sreg);
    }

    @Override
    public long segmentBase(int sreg) {
      return m.segmentBase(sreg);
    }

    @Override
    public int cpl() {
      return m.cpl();
    }

    @Override
    public long gdtEntry(int index) {
      return m.gdtEntry(index);
    }

    @Override
    public boolean loadSegment(int sreg, int selector) {
      return m.loadSegment(sreg, selector);
    }

    @Override
    public void writeSegmentBase(int sreg, long base) {
      m.writeSegmentBase(sreg, base);
    }

    @Override
    public long linearAddress(int sreg, long offset, int access) {
      return m.linearAddress(sreg, offset, access);
    }

    @Override
    public long translateLogical(int sreg, long offset, int access) {
      return m.translateLogical(sreg, offset, access);
    }

    @Override
    public void invlpg(long linear) {
      m.invlpg(linear);
    }

    @Override
    public void flushTlbAll() {
      m.flushTlbAll();
    }

    @Override
    public int tlbSize() {
      return m.tlbSize();
    }

    @Override
    public int tlbValidEntries() {
      return m.tlbValidEntries();
    }

    @Override
    public long tlbHits() {
      return m.tlbHits();
    }

    @Override
    public long tlbMisses() {
      return m.tlbMisses();
    }

    @Override
    public long tlbLookupMisses() {
      return m.tlbLookupMisses();
    }

    @Override
    public long tlbSetLookups() {
      return m.tlbSetLookups();
    }

    @Override
    public int tlbLargeEntries() {
      return m.tlbLargeEntries();
    }
  }
}
