package io.mmsim.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.fault.AddressSpace;
import io.mmsim.api.fault.FaultContext;
import io.mmsim.api.fault.FaultHandler;
import io.mmsim.api.fault.FaultOutcome;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.fault.Vma;
import io.mmsim.api.mem.MemoryLayout;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.PageFault;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.paging.Regs;
import io.mmsim.api.spi.Settings;
import io.mmsim.api.swap.ReclaimMode;
import io.mmsim.api.swap.SwapHandlerContext;
import io.mmsim.api.swap.SwapSystem;

/** What the swap handler declines or refuses, and how the provider finds the swap system. */
final class SwapFaultHandlerTest {
  private static final long ADDR = 0x7000_1000L;
  private static final Regs REGS = new Regs(0x400000, 0x7ffc0000, 0, true);

  private final MiniKernel kernel =
      new MiniKernel(32, Policies.create("fifo"), Map.of("memory", "1M"));
  private final PageTable pt = mock(PageTable.class);
  private final AddressSpace mm = mock(AddressSpace.class);
  private final Vma vma = mock(Vma.class);
  private final FaultContext ctx = mock(FaultContext.class);
  private final SwapFaultHandler handler =
      new SwapFaultHandler(kernel.swap, new io.mmsim.api.trace.Tracer());

  SwapFaultHandlerTest() {
    when(ctx.mm()).thenReturn(mm);
    when(ctx.pageTable()).thenReturn(pt);
    when(mm.root()).thenReturn(5L);
    when(mm.findVma(anyLong())).thenReturn(vma);
    when(vma.prot()).thenReturn(Prot.READ);
  }

  private FaultOutcome fault(long pte, int err) {
    when(pt.readPte(5L, ADDR)).thenReturn(pte);
    return handler.handleMmFault(ctx, new PageFault(ADDR + 8, err | ErrorCode.USER, REGS));
  }

  private long swappedEntry() {
    kernel.spawn(1, null, 0);
    kernel.writePattern(1, 0, 3);
    kernel.swap.shrink(kernel.global, kernel.globalRc, 1, ReclaimMode.DIRECT);
    return kernel.pte(1, 0);
  }

  @Test
  void handle_noSwapEntry_declines() {
    assertThat(fault(0, 0)).isEqualTo(FaultOutcome.DECLINED);
    assertThat(fault(Pte.make(9, Pte.PRESENT | Pte.USER), ErrorCode.WRITE | ErrorCode.PROT))
        .isEqualTo(FaultOutcome.DECLINED);
    verify(ctx, never()).allocUserPage();
  }

  @Test
  void handle_noVma_segvMaperr() {
    when(mm.findVma(anyLong())).thenReturn(null);
    assertThat(fault(swappedEntry(), 0)).isEqualTo(FaultOutcome.SIGSEGV_MAPERR);
  }

  @Test
  void handle_accessTheVmaForbids_segvAccerrAndNothingRead() {
    long entry = swappedEntry();
    assertThat(fault(entry, ErrorCode.WRITE)).isEqualTo(FaultOutcome.SIGSEGV_ACCERR);
    when(vma.prot()).thenReturn(Prot.NONE);
    assertThat(fault(entry, 0)).isEqualTo(FaultOutcome.SIGSEGV_ACCERR);
    assertThat(kernel.swap.statistics().get("pswpin")).isZero();
    verify(ctx, never()).allocUserPage();
  }

  @Test
  void handle_entryOfNoActiveSlot_sigbus() {
    assertThat(fault(Pte.makeSwap(3, 10), 0)).isEqualTo(FaultOutcome.SIGBUS);
    assertThat(fault(Pte.makeSwap(0, 100), 0)).isEqualTo(FaultOutcome.SIGBUS);
  }

  @Test
  void handle_noFrame_oomAndTheEntryStays() {
    long entry = swappedEntry();
    when(ctx.allocUserPage()).thenReturn(PageAllocator.NO_PAGE);
    assertThat(fault(entry, 0)).isEqualTo(FaultOutcome.OOM);
    assertThat(kernel.swap.swapCount(entry)).isEqualTo(1);
    assertThat(kernel.swap.lookupSwapCache(entry)).isEqualTo(SwapSystem.NO_PAGE);
  }

  @Test
  void name_isSwap() {
    FaultHandler h = handler;
    assertThat(h.name()).isEqualTo("swap");
  }

  private record Ctx(SwapSystem swapSystem) implements SwapHandlerContext {
    @Override
    public MemoryLayout layout() {
      return new MemoryLayout(32, 1);
    }

    @Override
    public Settings settings() {
      return Settings.empty("swap");
    }

    @Override
    public String loggerName() {
      return "io.mmsim.swap";
    }

    @Override
    public long seed() {
      return 0;
    }
  }

  @Test
  void provider_withoutASwapSystem_refusesNamingTheKey() {
    SwapFaultHandlerProvider p = new SwapFaultHandlerProvider();
    assertThatThrownBy(() -> p.create(new Ctx(null)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("fault handler 'swap' needs the swap subsystem")
        .satisfies(e -> assertThat(((ConfigurationException) e).key()).isEqualTo("fault-handler"));
    assertThat(p.create(new Ctx(kernel.swap)).name()).isEqualTo("swap");
  }
}
