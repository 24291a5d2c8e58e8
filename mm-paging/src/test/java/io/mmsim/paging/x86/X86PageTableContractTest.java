package io.mmsim.paging.x86;

import io.mmsim.api.spi.PageTableProvider;
import io.mmsim.testkit.paging.PageTableContract;

/** The page-table contract, run against the x86_64 provider with its default settings. */
final class X86PageTableContractTest extends PageTableContract {

  @Override
  protected PageTableProvider provider() {
    return new X86PageTableProvider();
  }
}
