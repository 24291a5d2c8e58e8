package io.mmsim.vmalloc;

import io.mmsim.api.spi.VirtualAllocatorProvider;
import io.mmsim.testkit.vmalloc.VirtualAllocatorContract;

/** The vmalloc contract, run against the vmalloc provider with its default settings. */
final class VmallocContractTest extends VirtualAllocatorContract {

  @Override
  protected VirtualAllocatorProvider provider() {
    return new VmallocProvider();
  }
}
