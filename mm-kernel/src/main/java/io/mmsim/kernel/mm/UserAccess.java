package io.mmsim.kernel.mm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Page;
import io.mmsim.api.mem.PhysicalMemory;
import io.mmsim.api.page.PageAllocator;
import io.mmsim.api.paging.Access;
import io.mmsim.api.paging.ErrorCode;
import io.mmsim.api.paging.Mmu;
import io.mmsim.api.paging.PageTable;
import io.mmsim.api.paging.Pte;

/*
 * Memory accesses as instructions make them: a user-mode read, write or instruction fetch of a
 * process, page by page through the fault loop, and a kernel-mode access through the kernel's own
 * page tables (arch/x86/mm/fault.c: page_fault_oops for a kernel access nothing can fix up).
 *
 * A user access moves its bytes one page at a time, each after its page translated; a process
 * killed on the way leaves the pages before it done. A kernel-mode access that faults is an oops:
 * the report lines in the kernel's words, thrown as KernelOopsException (the simulated machine
 * has no exception tables, so no access may fault).
 *
 * Not thread-safe: the kernel facade serialises calls.
 */
final class UserAccess {
  private final PageTable pageTable;
  private final PhysicalMemory memory;
  private final FaultLoop faults;
  private NumaAccessCost cost;

  UserAccess(PageTable pageTable, PhysicalMemory memory, FaultLoop faults) {
    this.pageTable = pageTable;
    this.memory = memory;
    this.faults = faults;
  }

  /** Where each translated user access is counted local or remote. */
  void setAccessCost(NumaAccessCost cost) {
    this.cost = cost;
  }

  /** Copies {@code buf} to or from {@code t}'s memory at {@code addr}; false when it died. */
  boolean copy(Task t, int cpu, long addr, byte[] buf, int access) {
    faults.onCpu(cpu);
    int done = 0;
    while (done < buf.length) {
      long a = addr + done;
      int n = (int) Math.min(buf.length - done, Page.PAGE_SIZE - (a & Page.PAGE_OFFSET_MASK));
      long phys = faults.translate(t, a, access);
      if (phys < 0) {
        faults.finishAccess();
        return false;
      }
      cost.access(cpu, phys);
      if (access == Access.WRITE) {
        memory.write(phys, buf, done, n);
      } else {
        memory.read(phys, buf, done, n);
      }
      faults.finishAccess();
      done += n;
    }
    return true;
  }

  /** One access of the page holding {@code addr}, without moving data; false when it died. */
  boolean touch(Task t, int cpu, long addr, int access) {
    faults.onCpu(cpu);
    long phys = t.alive ? faults.translate(t, addr, access) : -1;
    if (phys >= 0) {
      cost.access(cpu, phys);
    }
    faults.finishAccess();
    return phys >= 0;
  }

  /**
   * Fills {@code buf} with what a user-mode read of {@code t} at {@code addr} would return, without
   * changing anything: no fault is taken, no entry, counter, TLB or policy changes. A missing page
   * of a private anonymous area reads as zeros (what its fault would map), a missing file page as
   * the page cache's copy or the file's bytes.
   */
  Processes.Peek peek(Task t, long addr, byte[] buf, PageCache cache) {
    MmStruct mm = t.mm;
    byte[] page = null;
    int done = 0;
    while (done < buf.length) {
      long a = addr + done;
      int off = (int) (a & Page.PAGE_OFFSET_MASK);
      int n = Math.min(buf.length - done, Page.PAGE_SIZE - off);
      if (!pageTable.isCanonical(a) || Long.compareUnsigned(a, Processes.STACK_TOP) >= 0) {
        return Processes.Peek.KILLED;
      }
      long pte = pageTable.readPte(mm.root(), a);
      if (Pte.present(pte)) {
        if ((pte & Pte.PS) != 0 || (pte & Pte.USER) == 0) {
          return Processes.Peek.UNKNOWN;
        }
        memory.read((Pte.pfn(pte) << Page.PAGE_SHIFT) + off, buf, done, n);
      } else if (pte != 0) {
        return Processes.Peek.UNKNOWN; // a swap entry
      } else {
        VmAreaStruct v = mm.find(a);
        if (v == null || (v.prot & (Prot.READ | Prot.WRITE | Prot.EXEC)) == 0) {
          return Processes.Peek.KILLED;
        }
        if (v.file == null) {
          Arrays.fill(buf, done, done + n, (byte) 0);
        } else {
          long offset = v.fileOffset + ((a & ~Page.PAGE_OFFSET_MASK) - v.start);
          long pfn = cache.find(v.file, offset);
          if (pfn != PageAllocator.NO_PAGE) {
            memory.read((pfn << Page.PAGE_SHIFT) + off, buf, done, n);
          } else if (v.file.shmem()) {
            return Processes.Peek.UNKNOWN;
          } else {
            if (page == null) {
              page = new byte[Page.PAGE_SIZE];
            }
            if (!v.file.readPage(offset, page)) {
              return Processes.Peek.KILLED; // past the end of the file: SIGBUS
            }
            System.arraycopy(page, off, buf, done, n);
          }
        }
      }
      done += n;
    }
    return Processes.Peek.BYTES;
  }

  /**
   * Faults the page holding {@code addr} in for the kernel ({@code MAP_POPULATE}): not an access of
   * the process, so it costs nothing on the NUMA access count; false when the process died.
   */
  boolean populate(Task t, int cpu, long addr, int access) {
    faults.onCpu(cpu);
    long phys = t.alive ? faults.translate(t, addr, access) : -1;
    faults.finishAccess();
    return phys >= 0;
  }

  /**
   * Kernel-mode access through the kernel's page tables.
   *
   * @throws KernelOopsException when the access faults: the kernel has no fixup for it
   */
  void kernelAccess(int cpu, long addr, byte[] buf, int access) {
    faults.onCpu(cpu);
    Mmu mmu = pageTable.mmu(cpu);
    if (mmu.cr3() != pageTable.kernelRoot()) {
      mmu.loadCr3(pageTable.kernelRoot());
    }
    int done = 0;
    while (done < Math.max(1, buf.length)) {
      long a = addr + done;
      int n =
          (int)
              Math.min(
                  Math.max(1, buf.length) - done, Page.PAGE_SIZE - (a & Page.PAGE_OFFSET_MASK));
      long phys = mmu.translate(a, access, false);
      if (phys == Mmu.GP_FAULT) {
        throw new KernelOopsException(
            List.of(
                String.format(
                    "general protection fault, probably for non-canonical address 0x%x", a)));
      }
      if (phys < 0) {
        throw oops(mmu.cr2(), mmu.errorCode(), access);
      }
      if (buf.length > 0) {
        if (access == Access.WRITE) {
          memory.write(phys, buf, done, n);
        } else {
          memory.read(phys, buf, done, n);
        }
      }
      done += n;
    }
  }

  private static KernelOopsException oops(long addr, int err, int access) {
    List<String> r = new ArrayList<>();
    if (Long.compareUnsigned(addr, Page.PAGE_SIZE) < 0) {
      r.add(String.format("BUG: kernel NULL pointer dereference, address: %016x", addr));
    } else {
      r.add(String.format("BUG: unable to handle page fault for address: %016x", addr));
    }
    String what =
        access == Access.EXECUTE
            ? "instruction fetch"
            : access == Access.WRITE ? "write access" : "read access";
    r.add("#PF: supervisor " + what + " in kernel mode");
    r.add(String.format("#PF: error_code(0x%04x) - %s", err, ErrorCode.describe(err)));
    r.add(String.format("CR2: %016x", addr));
    return new KernelOopsException(r);
  }
}
