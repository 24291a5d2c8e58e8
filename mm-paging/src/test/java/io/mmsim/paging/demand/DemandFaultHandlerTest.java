package io.mmsim.paging.demand;

import static io.mmsim.api.fault.FaultOutcome.BAD_PAGETABLE;
import static io.mmsim.api.fault.FaultOutcome.DECLINED;
import static io.mmsim.api.fault.FaultOutcome.MAJOR;
import static io.mmsim.api.fault.FaultOutcome.MINOR;
import static io.mmsim.api.fault.FaultOutcome.OOM;
import static io.mmsim.api.fault.FaultOutcome.SIGBUS;
import static io.mmsim.api.fault.FaultOutcome.SIGSEGV_ACCERR;
import static io.mmsim.api.fault.FaultOutcome.SIGSEGV_MAPERR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.ControlRegisters;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.Pte;
import io.mmsim.paging.demand.FaultHarness.FakeFile;
import io.mmsim.paging.demand.FaultHarness.FakeMm;
import io.mmsim.paging.demand.FaultHarness.Result;

final class DemandFaultHandlerTest {
  private static final long A = 0x10000000L;
  private static final int RW = Prot.READ | Prot.WRITE;

  /** Entry bits of a present user page that is not executable, as protection_map makes them. */
  private static final long USER_NX = Pte.PRESENT | Pte.USER | Pte.ACCESSED | Pte.NX;

  private final List<FaultHarness> kernels = new ArrayList<>();

  private FaultHarness kernel(boolean zeroPage, String... settings) {
    FaultHarness k = FaultHarness.create(zeroPage, settings);
    kernels.add(k);
    return k;
  }

  @AfterEach
  void checkConsistency() {
    for (FaultHarness k : kernels) {
      k.checkConsistency();
    }
  }

  private static byte readByte(FaultHarness k, FakeMm mm, long addr) {
    Result r = k.access(mm, addr, Access.READ, true);
    assertThat(r.phys()).as("read 0x%x: %s", addr, r.outcomes()).isNotNegative();
    return k.mem.readByte(r.phys());
  }

  private static void writeByte(FaultHarness k, FakeMm mm, long addr, byte value) {
    Result r = k.access(mm, addr, Access.WRITE, true);
    assertThat(r.phys()).as("write 0x%x: %s", addr, r.outcomes()).isNotNegative();
    k.mem.writeByte(r.phys(), value);
  }

  // ================================================================ anonymous memory

  @Test
  void anonRead_mapsTheZeroPageReadOnly_minor_allocatingNothing() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 4, RW, false, null, 0);
    long allocations = k.alloc.allocations();
    Result r = k.access(mm, A + 0x123, Access.READ, true);
    assertThat(r.outcomes()).containsExactly(MINOR);
    assertThat(r.errorCodes()).containsExactly(0x4);
    assertThat(r.phys()).isEqualTo((k.zeroPfn << 12) + 0x123);
    assertThat(k.pt.readPte(mm.root, A)).isEqualTo(Pte.make(k.zeroPfn, USER_NX | Pte.SPECIAL));
    assertThat(k.alloc.allocations() - allocations).as("PUD, PMD, PT only").isEqualTo(3);
    assertThat(k.pageCount(k.zeroPfn)).isZero();
    assertThat(readByte(k, mm, A + 0x124)).isZero();
  }

  @Test
  void anonRead_zeroPageOff_mapsAZeroedFrameWritableWhenTheAreaIs() {
    FaultHarness k = kernel(false);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, RW, false, null, 0);
    k.mmap(mm, A + 0x10000, 1, Prot.READ, false, null, 0);
    Result r = k.access(mm, A + 8, Access.READ, true);
    assertThat(r.outcomes()).containsExactly(MINOR);
    long pte = k.pt.readPte(mm.root, A);
    assertThat(Pte.flags(pte)).isEqualTo(USER_NX | Pte.RW | Pte.DIRTY);
    assertThat(k.mem.allEqual(Pte.pfn(pte) << 12, Page.PAGE_SIZE, (byte) 0)).isTrue();
    assertThat(k.pageAnon(Pte.pfn(pte))).isTrue();
    assertThat(k.pageCount(Pte.pfn(pte))).isEqualTo(1);
    assertThat(k.access(mm, A + 0x10000, Access.READ, true).outcomes()).containsExactly(MINOR);
    assertThat(Pte.flags(k.pt.readPte(mm.root, A + 0x10000))).isEqualTo(USER_NX);
  }

  @Test
  void anonWrite_mapsAZeroedFrameWritableAndDirty() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 4, RW, false, null, 0);
    Result r = k.access(mm, A + 0x2010, Access.WRITE, true);
    assertThat(r.outcomes()).containsExactly(MINOR);
    assertThat(r.errorCodes()).containsExactly(0x6);
    long pte = k.pt.readPte(mm.root, A + 0x2000);
    assertThat(Pte.flags(pte)).isEqualTo(USER_NX | Pte.RW | Pte.DIRTY);
    assertThat(r.phys()).isEqualTo((Pte.pfn(pte) << 12) + 0x10);
    assertThat(k.mem.allEqual(Pte.pfn(pte) << 12, Page.PAGE_SIZE, (byte) 0)).isTrue();
    writeByte(k, mm, A + 0x2010, (byte) 42);
    assertThat(readByte(k, mm, A + 0x2010)).isEqualTo((byte) 42);
  }

  @Test
  void anonReadThenWrite_copiesTheZeroPageIntoAFreshZeroedFrame() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, RW, false, null, 0);
    assertThat(readByte(k, mm, A)).isZero();
    Result w = k.access(mm, A + 5, Access.WRITE, true);
    assertThat(w.outcomes()).containsExactly(MINOR);
    assertThat(w.errorCodes()).containsExactly(0x7);
    long pte = k.pt.readPte(mm.root, A);
    assertThat(Pte.pfn(pte)).isNotEqualTo(k.zeroPfn);
    assertThat(pte & Pte.SPECIAL).isZero();
    assertThat(Pte.flags(pte)).isEqualTo(USER_NX | Pte.RW | Pte.DIRTY);
    assertThat(k.mem.allEqual(Pte.pfn(pte) << 12, Page.PAGE_SIZE, (byte) 0)).isTrue();
    writeByte(k, mm, A + 5, (byte) 7);
    assertThat(k.mem.isUnpopulated(k.zeroPfn)).isTrue();
    assertThat(readByte(k, mm, A + 5)).isEqualTo((byte) 7);
  }

  @Test
  void anon_executableArea_mapsWithoutNx() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, Prot.READ | Prot.EXEC, false, null, 0);
    Result r = k.access(mm, A, Access.EXECUTE, true);
    assertThat(r.outcomes()).containsExactly(MINOR);
    assertThat(r.errorCodes()).containsExactly(0x14);
    assertThat(k.pt.readPte(mm.root, A) & Pte.NX).isZero();
  }

  @Test
  void nxOff_entriesNeverCarryXd() {
    FaultHarness k = kernel(true, "nx=false");
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 2, RW, false, null, 0);
    assertThat(k.access(mm, A, Access.WRITE, true).outcomes()).containsExactly(MINOR);
    assertThat(k.access(mm, A + 0x1000, Access.READ, true).outcomes()).containsExactly(MINOR);
    assertThat(k.pt.readPte(mm.root, A) & Pte.NX).isZero();
    assertThat(k.pt.readPte(mm.root, A + 0x1000) & Pte.NX).isZero();
    assertThat(k.access(mm, A, Access.EXECUTE, true).phys())
        .as("no NX without NXE")
        .isNotNegative();
  }

  // ================================================================ copy-on-write

  @Test
  void fork_childWriteCopies_parentWriteThenReusesItsNowExclusivePage() {
    FaultHarness k = kernel(true);
    FakeMm parent = k.spawn(1);
    k.mmap(parent, A, 2, RW, false, null, 0);
    writeByte(k, parent, A + 1, (byte) 11);
    long original = Pte.pfn(k.pt.readPte(parent.root, A));
    assertThat(readByte(k, parent, A + 0x1000)).isZero();
    FakeMm child = k.spawnLike(parent, 2);
    k.shareFrame(parent, child, A);
    k.shareFrame(parent, child, A + 0x1000);
    assertThat(k.pageCount(original)).isEqualTo(2);
    assertThat(k.pt.readPte(child.root, A) & Pte.RW).isZero();
    assertThat(k.pt.readPte(parent.root, A) & Pte.RW).isZero();
    assertThat(readByte(k, child, A + 1)).isEqualTo((byte) 11);

    Result cw = k.access(child, A + 1, Access.WRITE, true);
    assertThat(cw.outcomes()).containsExactly(MINOR);
    assertThat(cw.errorCodes()).containsExactly(0x7);
    long copy = Pte.pfn(k.pt.readPte(child.root, A));
    assertThat(copy).isNotEqualTo(original);
    assertThat(k.pageCount(original)).isEqualTo(1);
    assertThat(k.pageCount(copy)).isEqualTo(1);
    k.mem.writeByte(cw.phys(), (byte) 22);
    assertThat(readByte(k, child, A + 1)).isEqualTo((byte) 22);
    assertThat(readByte(k, parent, A + 1)).isEqualTo((byte) 11);

    long allocations = k.alloc.allocations();
    Result pw = k.access(parent, A + 1, Access.WRITE, true);
    assertThat(pw.outcomes()).containsExactly(MINOR);
    assertThat(Pte.pfn(k.pt.readPte(parent.root, A))).as("reused").isEqualTo(original);
    assertThat(k.alloc.allocations()).isEqualTo(allocations);
    assertThat(Pte.flags(k.pt.readPte(parent.root, A))).isEqualTo(USER_NX | Pte.RW | Pte.DIRTY);

    Result zw = k.access(child, A + 0x1000, Access.WRITE, true);
    assertThat(zw.outcomes()).as("the zero page, shared").containsExactly(MINOR);
    assertThat(Pte.pfn(k.pt.readPte(parent.root, A + 0x1000))).isEqualTo(k.zeroPfn);
    k.checkConsistency();
    long free = k.alloc.nrFreePages();
    long childTables = k.pt.tablePages(child.root);
    k.teardown(child);
    assertThat(k.alloc.nrFreePages()).isEqualTo(free + childTables + 2);
  }

  @Test
  void wpFault_exclusiveAnonPage_isReusedWithoutCopy() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, RW, false, null, 0);
    writeByte(k, mm, A, (byte) 3);
    long pte = k.pt.readPte(mm.root, A);
    k.pt.writePte(mm.root, A, pte & ~Pte.RW);
    k.pt.flushTlbPage(A);
    long allocations = k.alloc.allocations();
    Result r = k.access(mm, A, Access.WRITE, true);
    assertThat(r.outcomes()).containsExactly(MINOR);
    assertThat(k.pt.readPte(mm.root, A)).isEqualTo(pte);
    assertThat(k.alloc.allocations()).isEqualTo(allocations);
    assertThat(readByte(k, mm, A)).isEqualTo((byte) 3);
  }

  @Test
  void wpFault_kernelModeWriteToCowPage_copiesWithWp() {
    FaultHarness k = kernel(true);
    FakeMm parent = k.spawn(1);
    k.mmap(parent, A, 1, RW, false, null, 0);
    writeByte(k, parent, A, (byte) 9);
    FakeMm child = k.spawnLike(parent, 2);
    k.shareFrame(parent, child, A);
    Result r = k.access(child, A, Access.WRITE, false);
    assertThat(r.errorCodes()).as("copy_to_user on a COW page").containsExactly(0x3);
    assertThat(r.outcomes()).containsExactly(MINOR);
    assertThat(Pte.pfn(k.pt.readPte(child.root, A)))
        .isNotEqualTo(Pte.pfn(k.pt.readPte(parent.root, A)));
  }

  @Test
  void wpOff_kernelWriteToCowPage_neverFaults_andWritesTheSharedFrame() {
    FaultHarness k = kernel(true, "wp=false");
    FakeMm parent = k.spawn(1);
    k.mmap(parent, A, 1, RW, false, null, 0);
    writeByte(k, parent, A, (byte) 9);
    FakeMm child = k.spawnLike(parent, 2);
    k.shareFrame(parent, child, A);
    Result r = k.access(child, A, Access.WRITE, false);
    assertThat(r.outcomes()).isEmpty();
    assertThat(r.phys() >>> 12).isEqualTo(Pte.pfn(k.pt.readPte(parent.root, A)));
  }

  // ================================================================ files

  @Test
  void filePrivateRead_majorThenSharedFrameMinorInAnotherProcess() {
    FaultHarness k = kernel(true);
    FakeFile f = FakeFile.of("/bin/app", 3 * 4096, 5);
    FakeMm a = k.spawn(1);
    FakeMm b = k.spawn(2);
    k.mmap(a, A, 3, Prot.READ | Prot.EXEC, false, f, 0);
    k.mmap(b, A + 0x100000, 2, Prot.READ, false, f, 4096);
    Result ra = k.access(a, A + 0x1000 + 17, Access.READ, true);
    assertThat(ra.outcomes()).containsExactly(MAJOR);
    assertThat(k.mem.readByte(ra.phys())).isEqualTo(f.contents[4096 + 17]);
    long pte = k.pt.readPte(a.root, A + 0x1000);
    assertThat(Pte.flags(pte)).isEqualTo(Pte.PRESENT | Pte.USER | Pte.ACCESSED);
    Result rb = k.access(b, A + 0x100000 + 17, Access.READ, true);
    assertThat(rb.outcomes()).containsExactly(MINOR);
    assertThat(rb.phys()).isEqualTo(ra.phys());
    assertThat(k.pageCount(Pte.pfn(pte))).as("cache + two mappings").isEqualTo(3);
    assertThat(f.reads).isEqualTo(1);
    assertThat(k.pageAnon(Pte.pfn(pte))).isFalse();
  }

  @Test
  void filePrivateWrite_notPresent_readsIntoTheCopy_withoutCachingAPageNoOneMaps() {
    FaultHarness k = kernel(true);
    FakeFile f = FakeFile.of("/data", 2 * 4096, 6);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 2, RW, false, f, 0);
    Result w = k.access(mm, A + 100, Access.WRITE, true);
    assertThat(w.outcomes()).containsExactly(MAJOR);
    long pte = k.pt.readPte(mm.root, A);
    assertThat(Pte.flags(pte)).isEqualTo(USER_NX | Pte.RW | Pte.DIRTY);
    assertThat(k.pageCacheFind(f, 0))
        .as("no page-cache page: nothing would map it")
        .isEqualTo(PageAllocator.NO_PAGE);
    assertThat(k.pageCount(Pte.pfn(pte))).isEqualTo(1);
    assertThat(k.mem.readByte(w.phys())).isEqualTo(f.contents[100]);
    assertThat(k.access(mm, A + 0x1000, Access.WRITE, true).outcomes()).containsExactly(MAJOR);
  }

  @Test
  void filePrivateWrite_notPresent_copiesACachedPage_minorFault() {
    FaultHarness k = kernel(true);
    FakeFile f = FakeFile.of("/data", 4096, 6);
    FakeMm reader = k.spawn(1);
    k.mmap(reader, A, 1, Prot.READ, true, f, 0);
    assertThat(k.access(reader, A, Access.READ, true).outcomes()).containsExactly(MAJOR);
    long cached = k.pageCacheFind(f, 0);
    FakeMm mm = k.spawn(2);
    k.mmap(mm, A, 1, RW, false, f, 0);
    Result w = k.access(mm, A + 100, Access.WRITE, true);
    assertThat(w.outcomes()).as("cache hit").containsExactly(MINOR);
    assertThat(Pte.pfn(k.pt.readPte(mm.root, A))).isNotEqualTo(cached);
    assertThat(k.mem.readByte(w.phys())).isEqualTo(f.contents[100]);
    k.mem.writeByte(w.phys(), (byte) ~f.contents[100]);
    assertThat(k.mem.readByte((cached << 12) + 100))
        .as("the file page is untouched")
        .isEqualTo(f.contents[100]);
  }

  @Test
  void filePrivateReadThenWrite_copiesOnWrite_cachePageKeepsTheFileData() {
    FaultHarness k = kernel(true);
    FakeFile f = FakeFile.of("/data", 4096, 7);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, RW, false, f, 0);
    assertThat(readByte(k, mm, A + 9)).isEqualTo(f.contents[9]);
    long cached = Pte.pfn(k.pt.readPte(mm.root, A));
    assertThat(k.pageCount(cached)).isEqualTo(2);
    Result w = k.access(mm, A + 9, Access.WRITE, true);
    assertThat(w.outcomes()).containsExactly(MINOR);
    assertThat(w.errorCodes()).containsExactly(0x7);
    assertThat(Pte.pfn(k.pt.readPte(mm.root, A))).isNotEqualTo(cached);
    assertThat(k.pageCount(cached)).isEqualTo(1);
    k.mem.writeByte(w.phys(), (byte) 1);
    assertThat(k.mem.readByte((cached << 12) + 9)).isEqualTo(f.contents[9]);
  }

  @Test
  void fileShared_twoProcessesShareOneFrame_writeUpgradesInPlace() {
    FaultHarness k = kernel(true);
    FakeFile f = FakeFile.of("/shared", 4096, 8);
    FakeMm a = k.spawn(1);
    FakeMm b = k.spawn(2);
    k.mmap(a, A, 1, RW, true, f, 0);
    k.mmap(b, A + 0x200000, 1, RW, true, f, 0);
    Result ra = k.access(a, A, Access.READ, true);
    assertThat(ra.outcomes()).containsExactly(MAJOR);
    assertThat(k.pt.readPte(a.root, A) & Pte.RW).as("read-only until written").isZero();
    Result wa = k.access(a, A + 1, Access.WRITE, true);
    assertThat(wa.outcomes()).containsExactly(MINOR);
    assertThat(wa.errorCodes()).containsExactly(0x7);
    assertThat(wa.phys() >>> 12).isEqualTo(ra.phys() >>> 12);
    assertThat(Pte.flags(k.pt.readPte(a.root, A))).isEqualTo(USER_NX | Pte.RW | Pte.DIRTY);
    k.mem.writeByte(wa.phys(), (byte) 0x5a);
    Result wb = k.access(b, A + 0x200001, Access.WRITE, true);
    assertThat(wb.outcomes()).as("shared write fault on a cached page").containsExactly(MINOR);
    assertThat(wb.phys()).isEqualTo(wa.phys());
    assertThat(k.mem.readByte(wb.phys())).isEqualTo((byte) 0x5a);
    assertThat(k.pageCount(wa.phys() >>> 12)).isEqualTo(3);
    assertThat(f.reads).isEqualTo(1);
  }

  @Test
  void fileSharedWrite_notPresent_mapsTheCachePageWritableDirty_major() {
    FaultHarness k = kernel(true);
    FakeFile f = FakeFile.of("/shared", 4096, 9);
    FakeMm a = k.spawn(1);
    k.mmap(a, A, 1, RW, true, f, 0);
    Result w = k.access(a, A, Access.WRITE, true);
    assertThat(w.outcomes()).containsExactly(MAJOR);
    assertThat(w.phys() >>> 12).isEqualTo(k.pageCacheFind(f, 0));
    assertThat(Pte.flags(k.pt.readPte(a.root, A))).isEqualTo(USER_NX | Pte.RW | Pte.DIRTY);
  }

  @Test
  void file_pastEndOfFile_sigbus_partialPageReadsZerosBeyondEof() {
    FaultHarness k = kernel(true);
    FakeFile f = FakeFile.of("/short", 5000, 10);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 3, Prot.READ, false, f, 0);
    assertThat(readByte(k, mm, A + 4096 + 903)).isEqualTo(f.contents[4999]);
    assertThat(readByte(k, mm, A + 4096 + 904)).as("beyond EOF in the last page").isZero();
    long free = k.alloc.nrFreePages();
    Result r = k.access(mm, A + 8192, Access.READ, true);
    assertThat(r.outcomes()).containsExactly(SIGBUS);
    assertThat(k.alloc.nrFreePages()).isEqualTo(free);
    assertThat(k.pt.readPte(mm.root, A + 8192)).isZero();
    FakeMm writer = k.spawn(2);
    k.mmap(writer, A, 3, RW, false, f, 0);
    assertThat(k.access(writer, A + 8192, Access.WRITE, true).outcomes())
        .as("private write past EOF")
        .containsExactly(SIGBUS);
  }

  @Test
  void shmem_sharedAnonymous_minorFaults_sharedAfterFork() {
    FaultHarness k = kernel(true);
    FakeFile shm = FakeFile.shmem(2 * 4096);
    FakeMm parent = k.spawn(1);
    k.mmap(parent, A, 2, RW, true, shm, 0);
    Result w = k.access(parent, A, Access.WRITE, true);
    assertThat(w.outcomes()).as("shmem pages are created, not read").containsExactly(MINOR);
    k.mem.writeByte(w.phys(), (byte) 77);
    FakeMm child = k.spawnLike(parent, 2);
    k.shareFrame(parent, child, A);
    assertThat(readByte(k, child, A)).isEqualTo((byte) 77);
    writeByte(k, child, A + 1, (byte) 78);
    assertThat(readByte(k, parent, A + 1)).isEqualTo((byte) 78);
    Result r = k.access(child, A + 0x1000, Access.READ, true);
    assertThat(r.outcomes()).containsExactly(MINOR);
    assertThat(k.access(parent, A + 0x1000, Access.READ, true).phys()).isEqualTo(r.phys());
  }

  @Test
  void sharedAnonymousWithoutShmem_isAKernelBug() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, RW, true, null, 0);
    assertThatThrownBy(() -> k.access(mm, A, Access.READ, true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shmem");
  }

  // ================================================================ signals

  @Test
  void noArea_sigsegvMaperr() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, RW, false, null, 0);
    Result r = k.access(mm, A + 0x1000, Access.READ, true);
    assertThat(r.outcomes()).containsExactly(SIGSEGV_MAPERR);
    assertThat(r.errorCodes()).containsExactly(0x4);
    Result w = k.access(mm, 0, Access.WRITE, true);
    assertThat(w.outcomes()).containsExactly(SIGSEGV_MAPERR);
    assertThat(w.errorCodes()).containsExactly(0x6);
  }

  @Test
  void userAccessToKernelAddress_sigsegvMaperr() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    Result r = k.access(mm, KernelLayout.PAGE_OFFSET + 0x1000, Access.READ, true);
    assertThat(r.errorCodes()).containsExactly(0x5);
    assertThat(r.outcomes()).containsExactly(SIGSEGV_MAPERR);
  }

  @Test
  void areaForbidsTheAccess_sigsegvAccerr() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, Prot.READ, false, null, 0);
    k.mmap(mm, A + 0x1000, 1, Prot.NONE, false, null, 0);
    Result w = k.access(mm, A, Access.WRITE, true);
    assertThat(w.outcomes()).containsExactly(SIGSEGV_ACCERR);
    assertThat(w.errorCodes()).containsExactly(0x6);
    assertThat(readByte(k, mm, A)).isZero();
    Result w2 = k.access(mm, A, Access.WRITE, true);
    assertThat(w2.errorCodes()).as("present read-only").containsExactly(0x7);
    assertThat(w2.outcomes()).containsExactly(SIGSEGV_ACCERR);
    Result n = k.access(mm, A + 0x1000, Access.READ, true);
    assertThat(n.outcomes()).containsExactly(SIGSEGV_ACCERR);
    assertThat(k.pt.readPte(mm.root, A + 0x1000)).isZero();
  }

  @Test
  void fetchFromNonExecutableArea_mapsThePageThenAccerrWith0x15() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, RW, false, null, 0);
    Result x = k.access(mm, A + 0x40, Access.EXECUTE, true);
    assertThat(x.errorCodes()).containsExactly(0x14, 0x15);
    assertThat(x.outcomes()).containsExactly(MINOR, SIGSEGV_ACCERR);
    assertThat(k.pt.readPte(mm.root, A) & Pte.NX).isNotZero();
  }

  @Test
  void reservedBitFault_badPagetable() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, RW, false, null, 0);
    k.pt.writePte(mm.root, A, Pte.make(1L << 35, Pte.PRESENT | Pte.USER | Pte.RW));
    Result r = k.access(mm, A, Access.READ, true);
    assertThat(r.errorCodes()).containsExactly(0xd);
    assertThat(r.outcomes()).containsExactly(BAD_PAGETABLE);
    k.pt.writePte(mm.root, A, 0);
  }

  // ================================================================ other handlers' faults

  @Test
  void swapEntry_declined() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, RW, false, null, 0);
    long swp = Pte.makeSwap(1, 99);
    k.pt.writePte(mm.root, A, swp);
    Result r = k.access(mm, A, Access.READ, true);
    assertThat(r.outcomes()).containsExactly(DECLINED);
    assertThat(k.pt.readPte(mm.root, A)).isEqualTo(swp);
    k.pt.writePte(mm.root, A, 0);
  }

  @Test
  void kernelModeFaultOnKernelAddress_declinedUnlessSpurious() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    long va = KernelLayout.VMALLOC_START;
    assertThat(k.fault(mm, va, 0x2)).isEqualTo(DECLINED);
    long pfn = k.alloc.allocPages(0, Gfp.KERNEL, 0);
    k.pt.writePte(k.pt.kernelRoot(), va, k.pt.pfnPte(pfn, Pte.PAGE_KERNEL));
    assertThat(k.fault(mm, va, 0x2)).as("stale TLB: spurious").isEqualTo(MINOR);
    assertThat(k.fault(mm, va, 0x11)).as("fetch from NX").isEqualTo(DECLINED);
  }

  @Test
  void presentEntryAlreadyAllowingTheAccess_spuriousMinorSetsYoungAndDirty() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, RW, false, null, 0);
    writeByte(k, mm, A, (byte) 1);
    long pte = k.pt.readPte(mm.root, A);
    k.pt.writePte(mm.root, A, pte & ~(Pte.ACCESSED | Pte.DIRTY));
    assertThat(k.fault(mm, A, 0x6)).isEqualTo(MINOR);
    assertThat(k.pt.readPte(mm.root, A)).isEqualTo(pte);
    k.pt.writePte(mm.root, A, pte & ~Pte.ACCESSED);
    assertThat(k.fault(mm, A, 0x4)).isEqualTo(MINOR);
    assertThat(k.pt.readPte(mm.root, A) & Pte.ACCESSED).isNotZero();
  }

  // ================================================================ out of memory

  @Test
  void oom_anonWrite_noFrame_changesNothing() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, RW, false, null, 0);
    long free = k.alloc.nrFreePages();
    k.alloc.failAfter(0);
    Result r = k.access(mm, A, Access.WRITE, true);
    k.alloc.neverFail();
    assertThat(r.outcomes()).containsExactly(OOM);
    assertThat(k.alloc.nrFreePages()).isEqualTo(free);
    assertThat(k.pt.tablePages(mm.root)).isEqualTo(1);
    assertThat(k.refs).isEmpty();
  }

  @Test
  void oom_tablesRunOutAfterTheFrame_givesTheFrameBack() {
    FaultHarness k = kernel(true);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, RW, false, null, 0);
    long free = k.alloc.nrFreePages();
    k.alloc.failAfter(2);
    Result r = k.access(mm, A, Access.WRITE, true);
    k.alloc.neverFail();
    assertThat(r.outcomes()).containsExactly(OOM);
    assertThat(k.alloc.nrFreePages()).isEqualTo(free);
    assertThat(k.pt.tablePages(mm.root)).isEqualTo(1);
    assertThat(k.refs).isEmpty();
    k.alloc.failAfter(0);
    assertThat(k.access(mm, A, Access.READ, true).outcomes())
        .as("zero page, no tables")
        .containsExactly(OOM);
    k.alloc.neverFail();
  }

  @Test
  void copyOnWrite_pageReclaimedWhileTheCopyIsAllocated_givesTheCopyBackAndRetries() {
    FaultHarness k = kernel(true);
    FakeMm parent = k.spawn(1);
    k.mmap(parent, A, 1, RW, false, null, 0);
    writeByte(k, parent, A, (byte) 5);
    long original = Pte.pfn(k.pt.readPte(parent.root, A));
    FakeMm child = k.spawnLike(parent, 2);
    k.shareFrame(parent, child, A);
    long free = k.alloc.nrFreePages();
    k.duringAllocation =
        () -> {
          // reclaim takes the child's mapping away (a swap entry would do the same)
          k.pt.writePte(child.root, A, 0);
          k.pt.flushTlbPage(A);
          k.pageRemoveRmap(original, child, A);
        };

    Result r = k.access(child, A, Access.WRITE, true);

    assertThat(r.outcomes())
        .as("the stale copy is dropped, then the retry finds no entry and zero-fills")
        .containsExactly(MINOR, MINOR);
    assertThat(r.errorCodes()).containsExactly(0x7, 0x6);
    assertThat(k.pageCount(original)).as("only the parent maps it").isEqualTo(1);
    assertThat(Pte.pfn(k.pt.readPte(child.root, A))).isNotEqualTo(original);
    assertThat(readByte(k, parent, A)).isEqualTo((byte) 5);
    assertThat(k.alloc.nrFreePages()).as("one frame: the child's new page").isEqualTo(free - 1);
    k.checkConsistency();
  }

  @Test
  void oom_copyOnWrite_leavesBothMappingsShared() {
    FaultHarness k = kernel(true);
    FakeMm parent = k.spawn(1);
    k.mmap(parent, A, 1, RW, false, null, 0);
    writeByte(k, parent, A, (byte) 5);
    FakeMm child = k.spawnLike(parent, 2);
    k.shareFrame(parent, child, A);
    long pte = k.pt.readPte(child.root, A);
    long free = k.alloc.nrFreePages();
    k.alloc.failAfter(0);
    Result r = k.access(child, A, Access.WRITE, true);
    k.alloc.neverFail();
    assertThat(r.outcomes()).containsExactly(OOM);
    assertThat(k.pt.readPte(child.root, A)).isEqualTo(pte);
    assertThat(k.pageCount(Pte.pfn(pte))).isEqualTo(2);
    assertThat(k.alloc.nrFreePages()).isEqualTo(free);
  }

  @Test
  void oom_fileFaults_leaveThePageCacheUnchanged() {
    FaultHarness k = kernel(true);
    FakeFile f = FakeFile.of("/data", 4096, 11);
    FakeMm mm = k.spawn(1);
    k.mmap(mm, A, 1, RW, false, f, 0);
    long free = k.alloc.nrFreePages();
    k.alloc.failAfter(0);
    assertThat(k.access(mm, A, Access.READ, true).outcomes()).containsExactly(OOM);
    k.alloc.failAfter(1);
    assertThat(k.access(mm, A, Access.WRITE, true).outcomes())
        .as("cache frame had, copy frame not")
        .containsExactly(OOM);
    k.alloc.neverFail();
    assertThat(k.cache).isEmpty();
    assertThat(k.alloc.nrFreePages()).isEqualTo(free);
    assertThat(k.pt.tablePages(mm.root)).isEqualTo(1);
  }

  // ================================================================ five levels

  @Test
  void fiveLevels_demandPagingWorksAboveThe48BitLimit() {
    FaultHarness k = kernel(true, "levels=5");
    FakeMm mm = k.spawn(1);
    long high = 0x0001000000000000L;
    k.mmap(mm, high, 1, RW, false, null, 0);
    writeByte(k, mm, high + 3, (byte) 33);
    assertThat(readByte(k, mm, high + 3)).isEqualTo((byte) 33);
    assertThat(k.pt.tablePages(mm.root)).isEqualTo(5);
    assertThat(k.pt.mmu(0).cr4() & ControlRegisters.CR4_LA57).isNotZero();
    Result gp = k.access(mm, 1L << 56, Access.READ, true);
    assertThat(gp.phys()).as("non-canonical: #GP").isEqualTo(Mmu.GP_FAULT);
    assertThat(gp.outcomes()).as("no page fault handler for #GP").isEmpty();
  }
}
