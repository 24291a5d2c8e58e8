package io.mmsim.paging.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.mmsim.api.mem.Gfp;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.paging.Segment;
import io.mmsim.paging.TestMachine;

final class SegmentationTest {
  private static final long FRAMES = 16384;

  /** Switches the CPU to user mode: 64-bit (CS = __USER_CS) or compatibility mode. */
  private static void enterUser(Mmu mmu, boolean compat) {
    assertThat(mmu.loadSegment(Segment.CS, compat ? Segment.USER32_CS : Segment.USER_CS)).isTrue();
    assertThat(mmu.loadSegment(Segment.SS, Segment.USER_DS)).isTrue();
    assertThat(mmu.loadSegment(Segment.DS, compat ? Segment.USER_DS : 0)).isTrue();
    assertThat(mmu.loadSegment(Segment.ES, compat ? Segment.USER_DS : 0)).isTrue();
  }

  @Test
  void selectors_areLinuxs() {
    assertThat(Segment.KERNEL_CS).isEqualTo(0x10);
    assertThat(Segment.KERNEL_DS).isEqualTo(0x18);
    assertThat(Segment.USER32_CS).isEqualTo(0x23);
    assertThat(Segment.USER_DS).isEqualTo(0x2b);
    assertThat(Segment.USER_CS).isEqualTo(0x33);
    assertThat(Segment.index(Segment.USER_CS)).isEqualTo(6);
    assertThat(Segment.rpl(Segment.USER_CS)).isEqualTo(3);
  }

  @Test
  void gdt_holdsLinuxsFlatDescriptors() {
    Mmu mmu = TestMachine.of(FRAMES).pageTable.mmu(0);
    assertThat(mmu.gdtEntry(0)).isZero();
    assertThat(mmu.gdtEntry(1)).isEqualTo(0x00cf9b000000ffffL);
    assertThat(mmu.gdtEntry(2)).isEqualTo(0x00af9b000000ffffL);
    assertThat(mmu.gdtEntry(3)).isEqualTo(0x00cf93000000ffffL);
    assertThat(mmu.gdtEntry(4)).isEqualTo(0x00cffb000000ffffL);
    assertThat(mmu.gdtEntry(5)).isEqualTo(0x00cff3000000ffffL);
    assertThat(mmu.gdtEntry(6)).isEqualTo(0x00affb000000ffffL);
    for (int i = 7; i < Segment.GDT_ENTRIES; i++) {
      assertThat(mmu.gdtEntry(i)).as("slot %d not modelled", i).isZero();
    }
    long userDs = mmu.gdtEntry(5);
    assertThat(Segment.base(userDs)).isZero();
    assertThat(Segment.limit(userDs)).isEqualTo(0xffffffffL);
    assertThat(Segment.dpl(userDs)).isEqualTo(3);
    assertThat(Segment.writable(userDs)).isTrue();
    assertThat(Segment.longMode(mmu.gdtEntry(6))).isTrue();
    assertThat(Segment.longMode(mmu.gdtEntry(4))).isFalse();
    assertThatThrownBy(() -> mmu.gdtEntry(16)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void descriptor_roundTripsBaseAndLimit() {
    long d = Segment.descriptor(Segment.FLAGS_USER_DS, 0x12345678L, 0xabcde);
    assertThat(Segment.base(d)).isEqualTo(0x12345678L);
    assertThat(Segment.rawLimit(d)).isEqualTo(0xabcde);
    assertThat(Segment.limit(d)).isEqualTo(0xabcdefffL);
    assertThatThrownBy(() -> Segment.descriptor(0, 1L << 32, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void boot_kernelMode_flat() {
    Mmu mmu = TestMachine.of(FRAMES).pageTable.mmu(0);
    assertThat(mmu.cpl()).isZero();
    assertThat(mmu.selector(Segment.CS)).isEqualTo(Segment.KERNEL_CS);
    assertThat(mmu.selector(Segment.SS)).isEqualTo(Segment.KERNEL_DS);
    assertThat(mmu.selector(Segment.DS)).isZero();
    assertThat(mmu.linearAddress(Segment.DS, 0xffff888000001234L, Access.READ))
        .isEqualTo(0xffff888000001234L);
    assertThat(mmu.translateLogical(Segment.DS, 0xffff888000001234L, Access.READ))
        .isEqualTo(0x1234);
  }

  @Test
  void flatUser64_logicalEqualsLinear_andCplIs3() {
    TestMachine m = TestMachine.of(FRAMES);
    PageTable pt = m.pageTable;
    long root = pt.createAddressSpace();
    long pfn = m.allocator.allocPages(0, Gfp.KERNEL, 0);
    pt.writePte(root, 0x601000, Pte.make(pfn, Pte.PRESENT | Pte.RW | Pte.USER));
    Mmu mmu = pt.mmu(0);
    mmu.loadCr3(root);
    enterUser(mmu, false);
    assertThat(mmu.cpl()).isEqualTo(3);
    assertThat(mmu.linearAddress(Segment.DS, 0x601234, Access.WRITE)).isEqualTo(0x601234);
    assertThat(mmu.segmentBase(Segment.DS)).isZero();
    assertThat(mmu.translateLogical(Segment.DS, 0x601234, Access.WRITE))
        .isEqualTo((pfn << 12) + 0x234);
    assertThat(mmu.translateLogical(Segment.DS, 0xffff888000000000L, Access.READ))
        .as("user mode cannot read the direct map")
        .isEqualTo(Mmu.FAULT);
    assertThat(mmu.errorCode()).isEqualTo(0x5);
    assertThat(mmu.linearAddress(Segment.DS, 0x0000800000000000L, Access.READ))
        .isEqualTo(Mmu.BAD_LINEAR);
    assertThat(mmu.translateLogical(Segment.DS, 0x0000800000000000L, Access.READ))
        .isEqualTo(Mmu.GP_FAULT);
    assertThat(mmu.lastVector()).isEqualTo(Mmu.VECTOR_GP);
  }

  @Test
  void fsBase_appliesIn64BitMode() {
    Mmu mmu = TestMachine.of(FRAMES).pageTable.mmu(0);
    enterUser(mmu, false);
    mmu.writeSegmentBase(Segment.FS, 0x7f0000000000L);
    assertThat(mmu.linearAddress(Segment.FS, 0x28, Access.READ)).isEqualTo(0x7f0000000028L);
    assertThat(mmu.segmentBase(Segment.FS)).isEqualTo(0x7f0000000000L);
    assertThatThrownBy(() -> mmu.writeSegmentBase(Segment.DS, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> mmu.writeSegmentBase(Segment.GS, 0x0000800000000000L))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nonFlatUserDs_64BitModeIgnoresIt_compatibilityModeAddsBaseAndChecksLimit() {
    TestMachine m = TestMachine.of(FRAMES, "user-ds-base=0x10000000", "user-ds-limit=0xff");
    PageTable pt = m.pageTable;
    long root = pt.createAddressSpace();
    long pfn = m.allocator.allocPages(0, Gfp.KERNEL, 0);
    pt.writePte(root, 0x10001000, Pte.make(pfn, Pte.PRESENT | Pte.RW | Pte.USER));
    Mmu mmu = pt.mmu(0);
    mmu.loadCr3(root);

    enterUser(mmu, false);
    assertThat(mmu.loadSegment(Segment.DS, Segment.USER_DS)).isTrue();
    assertThat(mmu.linearAddress(Segment.DS, 0x1234, Access.READ))
        .as("64-bit: base ignored")
        .isEqualTo(0x1234);

    enterUser(mmu, true);
    assertThat(mmu.segmentBase(Segment.DS)).isEqualTo(0x10000000L);
    assertThat(mmu.linearAddress(Segment.DS, 0x1234, Access.READ))
        .as("logical != linear")
        .isEqualTo(0x10001234L);
    assertThat(mmu.translateLogical(Segment.DS, 0x1234, Access.WRITE))
        .isEqualTo((pfn << 12) + 0x234);
    assertThat(mmu.linearAddress(Segment.DS, 0xfffff, Access.READ))
        .as("last byte of 1 MiB")
        .isEqualTo(0x100fffffL);
    assertThat(mmu.linearAddress(Segment.DS, 0x100000, Access.READ))
        .as("past the limit")
        .isEqualTo(Mmu.BAD_LINEAR);
    assertThat(mmu.lastVector()).isEqualTo(Mmu.VECTOR_GP);
    assertThat(mmu.errorCode()).isZero();
    assertThat(mmu.translateLogical(Segment.DS, 0x100000, Access.READ)).isEqualTo(Mmu.GP_FAULT);
    assertThat(mmu.linearAddress(Segment.CS, 0x100000, Access.EXECUTE))
        .as("the code segment is flat")
        .isEqualTo(0x100000);
  }

  @Test
  void compatibilityMode_writeThroughCodeSegmentOrNullDs_isGeneralProtection() {
    Mmu mmu = TestMachine.of(FRAMES).pageTable.mmu(0);
    enterUser(mmu, true);
    assertThat(mmu.linearAddress(Segment.CS, 0x1000, Access.WRITE)).isEqualTo(Mmu.BAD_LINEAR);
    assertThat(mmu.linearAddress(Segment.CS, 0x1000, Access.READ)).isEqualTo(0x1000);
    assertThat(mmu.loadSegment(Segment.DS, 0)).isTrue();
    assertThat(mmu.linearAddress(Segment.DS, 0x1000, Access.READ)).isEqualTo(Mmu.BAD_LINEAR);
    assertThatThrownBy(() -> mmu.linearAddress(Segment.DS, 0, Access.EXECUTE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void loadSegment_privilegeViolations_raiseGpWithTheSelector() {
    Mmu mmu = TestMachine.of(FRAMES).pageTable.mmu(0);
    enterUser(mmu, false);
    int ds = mmu.selector(Segment.DS);
    assertThat(mmu.loadSegment(Segment.DS, Segment.KERNEL_DS)).isFalse();
    assertThat(mmu.lastVector()).isEqualTo(Mmu.VECTOR_GP);
    assertThat(mmu.errorCode()).isEqualTo(0x18);
    assertThat(mmu.selector(Segment.DS)).isEqualTo(ds);
    assertThat(mmu.loadSegment(Segment.SS, Segment.KERNEL_DS | 3)).isFalse();
    assertThat(mmu.loadSegment(Segment.CS, Segment.KERNEL_CS | 3)).as("DPL 0 != RPL 3").isFalse();
    assertThat(mmu.loadSegment(Segment.CS, 0)).isFalse();
    assertThat(mmu.loadSegment(Segment.DS, Segment.selector(8, 3))).as("TSS: system").isFalse();
    assertThat(mmu.loadSegment(Segment.DS, Segment.selector(20, 3))).as("beyond the GDT").isFalse();
    assertThat(mmu.loadSegment(Segment.DS, Segment.USER_DS | 4)).as("LDT").isFalse();
    assertThat(mmu.loadSegment(Segment.SS, 0)).as("null SS at CPL 3").isFalse();
    assertThat(mmu.loadSegment(Segment.CS, Segment.KERNEL_CS)).as("back to the kernel").isTrue();
    assertThat(mmu.cpl()).isZero();
    assertThat(mmu.loadSegment(Segment.DS, Segment.USER_DS)).as("kernel may load user DS").isTrue();
    assertThat(Segment.accessed(mmu.gdtEntry(Segment.GDT_ENTRY_DEFAULT_USER_DS))).isTrue();
  }
}
