package io.mmsim.it;

import java.util.ArrayList;
import java.util.List;

import io.mmsim.api.fault.FaultContext;
import io.mmsim.api.fault.FaultHandler;
import io.mmsim.api.fault.FaultOutcome;
import io.mmsim.api.paging.PageFault;
import io.mmsim.api.spi.FaultHandlerProvider;
import io.mmsim.api.spi.ProviderContext;
import io.mmsim.api.spi.SpiVersion;

/**
 * A user's own fault-handler provider, from the test sources: its handler counts the faults it sees
 * and declines each one, so the next handler of the chain resolves it. Handed to the kernel with
 * {@code Kernel.builder().providers(...)}, as an embedding application would.
 */
final class DecliningFaultHandlerProvider implements FaultHandlerProvider {
  private final String name;
  private final List<Declining> created = new ArrayList<>();

  /** The provider named {@code decline}. */
  DecliningFaultHandlerProvider() {
    this("decline");
  }

  /** The provider under another name (to collide with a discovered one). */
  DecliningFaultHandlerProvider(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return "counts and declines every fault (test sources of mm-it)";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public FaultHandler create(ProviderContext ctx) {
    Declining handler = new Declining(name);
    created.add(handler);
    return handler;
  }

  /** The handlers this provider created, in order. */
  List<Declining> created() {
    return List.copyOf(created);
  }

  /** Declines every fault and counts them. */
  static final class Declining implements FaultHandler {
    private final String name;
    private int declined;

    Declining(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public FaultOutcome handleMmFault(FaultContext ctx, PageFault fault) {
      declined++;
      return FaultOutcome.DECLINED;
    }

    /** Faults seen so far. */
    int declined() {
      return declined;
    }
  }
}
