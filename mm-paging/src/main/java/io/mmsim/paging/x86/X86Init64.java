package io.mmsim.paging.x86;

import static io.mmsim.paging.x86.X86PageTable.GIB;
import static io.mmsim.paging.x86.X86PageTable.MIB2;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.mem.KernelLayout;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.Pte;
import io.mmsim.api.trace.Tracer;

/**
 * The kernel's page tables as boot builds them, before any address space exists: the kernel root
 * (swapper_pg_dir), the direct map of all RAM at PAGE_OFFSET from the largest pages that fit (1 GiB
 * where a whole aligned GiB exists and gbpages is on, else 2 MiB, else 4 KiB), and one second-level
 * table for each top-level slot of the vmalloc range, so that vmalloc never creates a top-level
 * entry that every root would have to copy. Kept apart from {@link X86PageTable}, which runs for
 * the machine's whole life: this runs once, and writes through the same all-or-nothing {@code
 * installLeaf} as every later mapping.
 *
 * <p>References: arch/x86/mm/init_64.c (kernel_physical_mapping_init, preallocate_vmalloc_pages),
 * Documentation/arch/x86/x86_64/mm.rst.
 */
final class X86Init64 {
  // logged under the page table's name: what boot built is the page table
  private static final Logger LOG = LoggerFactory.getLogger(X86PageTable.class);

  private X86Init64() {}

  /**
   * Builds the kernel root, the direct map of all of {@code mem} and the vmalloc second-level
   * tables.
   *
   * @throws ConfigurationException when the machine is too large for the direct map or too small
   *     for its tables
   */
  static X86PageTable boot(PhysicalMemory mem, PageAllocator alloc, X86Config cfg, int cpus) {
    return boot(mem, alloc, cfg, cpus, new Tracer());
  }

  /** {@link #boot}, with MMUs that report to {@code trace}. */
  static X86PageTable boot(
      PhysicalMemory mem, PageAllocator alloc, X86Config cfg, int cpus, Tracer trace) {
    long bytes = mem.size();
    long pageOffset = cfg.levels() == 5 ? KernelLayout.PAGE_OFFSET_L5 : KernelLayout.PAGE_OFFSET;
    long directMapSize = cfg.levels() == 5 ? 1L << 55 : 1L << 46;
    if (bytes > directMapSize) {
      throw new ConfigurationException(
          "memory.size",
          String.format(
              "%d bytes of memory do not" + " fit the %d-level direct map of %d bytes",
              bytes, cfg.levels(), directMapSize));
    }
    long root = X86PageTable.allocTable(mem, alloc);
    if (root == PageAllocator.NO_PAGE) {
      throw bootOom(0);
    }
    X86PageTable pt = new X86PageTable(mem, alloc, cfg, cpus, root, trace);
    long phys = 0;
    while (phys < bytes) {
      long size;
      int level;
      if (cfg.gbpages() && (phys & (GIB - 1)) == 0 && bytes - phys >= GIB) {
        size = GIB;
        level = 3;
      } else if ((phys & (MIB2 - 1)) == 0 && bytes - phys >= MIB2) {
        size = MIB2;
        level = 2;
      } else {
        size = Page.PAGE_SIZE;
        level = 1;
      }
      long flags = level == 1 ? Pte.PAGE_KERNEL : Pte.PAGE_KERNEL_LARGE;
      long entry = Pte.make(phys >>> Page.PAGE_SHIFT, flags & pt.supportedPteMask());
      if (!pt.installLeaf(root, pageOffset + phys, level, entry)) {
        throw bootOom(pt.kernelTablePages());
      }
      pt.directMap[level]++;
      phys += size;
    }
    long vmStart = cfg.levels() == 5 ? KernelLayout.VMALLOC_START_L5 : KernelLayout.VMALLOC_START;
    long vmEnd = cfg.levels() == 5 ? KernelLayout.VMALLOC_END_L5 : KernelLayout.VMALLOC_END;
    int first = pt.index(vmStart, pt.levels());
    int last = pt.index(vmEnd, pt.levels());
    for (int i = first; i <= last; i++) {
      long ea = Page.pfnToPhys(root) + (long) i * Long.BYTES;
      if (mem.readLong(ea) == 0) {
        long t = X86PageTable.allocTable(mem, alloc);
        if (t == PageAllocator.NO_PAGE) {
          throw bootOom(pt.kernelTablePages());
        }
        mem.writeLong(ea, Pte.make(t, Pte.KERNPG_TABLE));
        pt.countTables(root, vmStart, 1);
      }
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "x86_64: {} levels, direct map at 0x{} ({} x 1G, {} x 2M, {} x 4K), {} kernel"
              + " table pages, {}",
          cfg.levels(),
          Long.toHexString(pageOffset),
          pt.directMap[3],
          pt.directMap[2],
          pt.directMap[1],
          pt.kernelTablePages(),
          cfg);
    }
    return pt;
  }

  private static ConfigurationException bootOom(long tables) {
    return new ConfigurationException(
        "memory.size",
        "out of memory building the kernel page"
            + " tables after "
            + tables
            + " table pages: give the machine more memory");
  }
}
