package io.mmsim.workload;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import io.mmsim.api.fault.Prot;
import io.mmsim.api.mem.Gfp;
import io.mmsim.api.paging.Access;
import io.mmsim.api.vmalloc.VirtualAllocator;
import io.mmsim.kernel.mm.Processes;

/**
 * Process and address-space operations ({@code spawn}, {@code fork}, {@code exit}, {@code mmap},
 * {@code munmap}, {@code mprotect}, {@code brk}), memory accesses through the MMU ({@code read},
 * {@code write}, {@code exec}, {@code verify}; PID {@code kernel} runs them in kernel mode) and
 * vmalloc ({@code vmalloc}, {@code vfree}).
 *
 * <p>A signal is not a workload error: the process dies, the event is printed and the run goes on.
 */
final class ProcessOps {
  private ProcessOps() {}

  static void register(Operations ops) {
    ops.add("spawn", "spawn PID", ProcessOps::spawn);
    ops.add("fork", "fork PARENT CHILD", ProcessOps::fork);
    ops.add("exit", "exit PID", ProcessOps::exit);
    ops.add(
        "mmap",
        "mmap PID HANDLE LENGTH PROT [anon|file=PATH[@OFFSET]|hugetlb] [private|shared]"
            + " [at=ADDR] [populate]",
        ProcessOps::mmap);
    ops.add("munmap", "munmap PID HANDLE", ProcessOps::munmap);
    ops.add("mprotect", "mprotect PID HANDLE PROT", ProcessOps::mprotect);
    ops.add("brk", "brk PID SIZE", ProcessOps::brk);
    ops.add("madvise", "madvise PID HANDLE hugepage|nohugepage", ProcessOps::madvise);
    ops.add("read", "read PID ADDR LENGTH", ProcessOps::read);
    ops.add("write", "write PID ADDR BYTES", ProcessOps::write);
    ops.add("exec", "exec PID ADDR", ProcessOps::exec);
    ops.add("verify", "verify PID ADDR BYTES", ProcessOps::verify);
    ops.add("vmalloc", "vmalloc HANDLE SIZE", ProcessOps::vmalloc);
    ops.add("vfree", "vfree HANDLE", ProcessOps::vfree);
  }

  static Processes processes(Replay r, String op) {
    return Replay.require(
        r.kernel().processes(), op, "page tables (page-table=none), so it runs no processes");
  }

  private static int pid(Args a, int i) {
    long v = a.number(i, "PID");
    if (v <= 0 || v > Integer.MAX_VALUE) {
      throw new BadLineException(a.op() + ": PID " + v + " must be positive");
    }
    return (int) v;
  }

  private static int livePid(Replay r, Args a, int i) {
    int pid = pid(a, i);
    Processes p = processes(r, a.op());
    if (!p.isAlive(pid)) {
      throw new BadLineException(a.op() + ": " + describeDead(p, pid));
    }
    return pid;
  }

  private static String describeDead(Processes p, int pid) {
    try {
      p.task(pid);
      return "process " + pid + " is alive";
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  static void spawn(Replay r, Args a) {
    a.expect(1, 1, "spawn PID");
    a.allowOptions();
    int pid = pid(a, 0);
    r.spawned(processes(r, "spawn").spawn(pid));
  }

  static void fork(Replay r, Args a) {
    a.expect(2, 2, "fork PARENT CHILD");
    a.allowOptions();
    int parent = livePid(r, a, 0);
    int child = pid(a, 1);
    r.spawned(processes(r, "fork").fork(parent, child));
  }

  static void exit(Replay r, Args a) {
    a.expect(1, 1, "exit PID");
    a.allowOptions();
    processes(r, "exit").exit(livePid(r, a, 0));
  }

  static void mmap(Replay r, Args a) {
    String usage =
        "mmap PID HANDLE LENGTH PROT [anon|file=PATH[@OFFSET]|hugetlb] [private|shared]"
            + " [at=ADDR] [populate]";
    a.expect(4, 7, usage);
    a.allowOptions("file", "at");
    int pid = livePid(r, a, 0);
    String name = r.newHandleName(a.get(1, "HANDLE"));
    long length = a.size(2, "LENGTH");
    int prot = prot(a, a.get(3, "PROT"));
    boolean shared = false;
    boolean populate = false;
    boolean anonSaid = false;
    boolean hugetlb = false;
    for (int i = 4; i < a.positional(); i++) {
      switch (a.get(i, "flag")) {
        case "anon" -> anonSaid = true;
        case "hugetlb" -> hugetlb = true;
        case "private" -> shared = false;
        case "shared" -> shared = true;
        case "populate" -> populate = true;
        default ->
            throw new BadLineException(
                "mmap: unknown flag '" + a.get(i, "flag") + "' (" + usage + ")");
      }
    }
    Path file = null;
    long offset = 0;
    String f = a.option("file");
    if (f != null) {
      if (anonSaid) {
        throw new BadLineException("mmap: anon and file= exclude each other");
      }
      if (hugetlb) {
        throw new BadLineException(
            "mmap: hugetlb maps anonymous huge pages and excludes file= (EINVAL)");
      }
      int at = f.lastIndexOf('@');
      if (at > 0) {
        try {
          offset = io.mmsim.api.Sizes.parseSize(f.substring(at + 1));
        } catch (NumberFormatException e) {
          throw new BadLineException(
              "mmap: file offset '" + f.substring(at + 1) + "' is not a number");
        }
        f = f.substring(0, at);
      }
      file = FilesRoot.resolve(r.filesRoot(), f, r.kernel().swap());
    }
    long fixed = -1;
    String at = a.option("at");
    if (at != null) {
      fixed = r.address(at);
      if (fixed == -1) {
        // -1 tells the kernel "anywhere"; as an address it is the last byte of the kernel's half
        throw new BadLineException(
            "mmap: MAP_FIXED range [0xffffffffffffffff, +"
                + length
                + ") is not in user space (ENOMEM)");
      }
    }
    Processes p = processes(r, "mmap");
    long start = p.mmap(pid, length, prot, file, offset, shared, fixed, populate, hugetlb);
    // a hugetlb mapping's length is rounded up to 2M, and munmap must name it whole
    long mapped = hugetlb ? (length + (2L << 20) - 1) & -(2L << 20) : length;
    r.put(name, new Handle(Handle.Kind.MAPPING, start, mapped, 0, null, pid));
  }

  private static int prot(Args a, String text) {
    try {
      return Prot.parse(text);
    } catch (IllegalArgumentException e) {
      throw new BadLineException(a.op() + ": " + e.getMessage());
    }
  }

  private static Handle mapping(Replay r, Args a, int pid) {
    Handle h = r.handle(a.get(1, "HANDLE"), Handle.Kind.MAPPING);
    if (h.pid != pid) {
      throw new BadLineException(
          a.op()
              + ": handle '"
              + a.get(1, "HANDLE")
              + "' is a mapping of process "
              + h.pid
              + ", not "
              + pid);
    }
    return h;
  }

  static void munmap(Replay r, Args a) {
    a.expect(2, 2, "munmap PID HANDLE");
    a.allowOptions();
    int pid = livePid(r, a, 0);
    Handle h = mapping(r, a, pid);
    processes(r, "munmap").munmap(pid, h.value, h.size);
    h.live = false;
  }

  static void mprotect(Replay r, Args a) {
    a.expect(3, 3, "mprotect PID HANDLE PROT");
    a.allowOptions();
    int pid = livePid(r, a, 0);
    Handle h = mapping(r, a, pid);
    processes(r, "mprotect").mprotect(pid, h.value, h.size, prot(a, a.get(2, "PROT")));
  }

  /** {@code madvise PID HANDLE hugepage|nohugepage}: MADV_HUGEPAGE or MADV_NOHUGEPAGE. */
  static void madvise(Replay r, Args a) {
    a.expect(3, 3, "madvise PID HANDLE hugepage|nohugepage");
    a.allowOptions();
    int pid = livePid(r, a, 0);
    Handle h = mapping(r, a, pid);
    String advice = a.get(2, "ADVICE");
    boolean hugepage;
    if (advice.equals("hugepage")) {
      hugepage = true;
    } else if (advice.equals("nohugepage")) {
      hugepage = false;
    } else {
      throw new BadLineException(
          "madvise: unknown advice '" + advice + "' (hugepage or nohugepage)");
    }
    processes(r, "madvise").madvise(pid, h.value, h.size, hugepage);
  }

  static void brk(Replay r, Args a) {
    a.expect(2, 2, "brk PID SIZE");
    a.allowOptions();
    int pid = livePid(r, a, 0);
    processes(r, "brk").brk(pid, a.size(1, "SIZE"));
  }

  private static boolean isKernel(Args a) {
    return a.get(0, "PID").toLowerCase(Locale.ROOT).equals("kernel");
  }

  static void read(Replay r, Args a) {
    a.expect(3, 3, "read PID ADDR LENGTH");
    a.allowOptions();
    long addr = r.address(a.get(1, "ADDR"));
    long len = a.size(2, "LENGTH");
    if (len < 1 || len > (1 << 20)) {
      throw new BadLineException("read: LENGTH " + len + " is out of range [1, 1M]");
    }
    byte[] data;
    if (isKernel(a)) {
      data = new byte[(int) len];
      processes(r, "read").kernelAccess(r.cpu(), addr, data, Access.READ);
    } else {
      data = processes(r, "read").read(livePid(r, a, 0), r.cpu(), addr, (int) len);
    }
    if (data != null) {
      r.printBytes(addr, data);
    }
  }

  static void write(Replay r, Args a) {
    a.expect(3, 3, "write PID ADDR BYTES");
    a.allowOptions();
    long addr = r.address(a.get(1, "ADDR"));
    byte[] data = a.bytes(2, "BYTES");
    if (isKernel(a)) {
      processes(r, "write").kernelAccess(r.cpu(), addr, data, Access.WRITE);
    } else {
      processes(r, "write").write(livePid(r, a, 0), r.cpu(), addr, data);
    }
  }

  static void exec(Replay r, Args a) {
    a.expect(2, 2, "exec PID ADDR");
    a.allowOptions();
    long addr = r.address(a.get(1, "ADDR"));
    if (isKernel(a)) {
      processes(r, "exec").kernelAccess(r.cpu(), addr, new byte[1], Access.EXECUTE);
    } else {
      processes(r, "exec").exec(livePid(r, a, 0), r.cpu(), addr);
    }
  }

  static void verify(Replay r, Args a) {
    a.expect(3, 3, "verify PID ADDR BYTES");
    a.allowOptions();
    long addr = r.address(a.get(1, "ADDR"));
    byte[] want = a.bytes(2, "BYTES");
    byte[] got;
    if (isKernel(a)) {
      got = new byte[want.length];
      processes(r, "verify").kernelAccess(r.cpu(), addr, got, Access.READ);
    } else {
      Processes p = processes(r, "verify");
      int pid = livePid(r, a, 0);
      // check before changing: a verify that fails leaves no fault, page table or counter behind
      got = new byte[want.length];
      Processes.Peek seen = p.peek(pid, addr, got);
      if (seen == Processes.Peek.KILLED) {
        throw new BadLineException(
            String.format(
                "verify: process %s would be killed reading 0x%x (nothing was read)",
                a.get(0, "PID"), addr));
      }
      if (seen == Processes.Peek.BYTES) {
        mismatch(want, got, addr);
      }
      got = p.read(pid, r.cpu(), addr, want.length);
      if (got == null) {
        throw new BadLineException(
            String.format("verify: process %s was killed reading 0x%x", a.get(0, "PID"), addr));
      }
    }
    mismatch(want, got, addr);
  }

  /** Refuses the line when {@code got} is not {@code want}. */
  private static void mismatch(byte[] want, byte[] got, long addr) {
    if (!Arrays.equals(want, got)) {
      int i = Arrays.mismatch(want, got);
      throw new BadLineException(
          String.format(
              "verify: memory at 0x%x differs: byte %d is 0x%02x, expected 0x%02x (got %s)",
              addr, i, got[i] & 0xff, want[i] & 0xff, hex(got)));
    }
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(b.length, 32); i++) {
      sb.append(String.format("%02x", b[i] & 0xff));
    }
    return b.length > 32 ? sb + "..." : sb.toString();
  }

  private static VirtualAllocator vm(Replay r, String op) {
    return Replay.require(r.kernel().virtualAllocator(), op, "vmalloc (virtual-allocator=none)");
  }

  static void vmalloc(Replay r, Args a) {
    a.expect(2, 2, "vmalloc HANDLE SIZE");
    a.allowOptions();
    String name = r.newHandleName(a.get(0, "HANDLE"));
    long size = a.size(1, "SIZE");
    long addr = vm(r, "vmalloc").vmalloc(r.cpu(), size, Gfp.KERNEL);
    if (addr == 0) {
      throw new BadLineException("vmalloc: allocation of " + size + " bytes failed");
    }
    r.put(name, new Handle(Handle.Kind.VMALLOC, addr, size, 0, null, 0));
  }

  static void vfree(Replay r, Args a) {
    a.expect(1, 1, "vfree HANDLE");
    a.allowOptions();
    long addr = r.address(a.get(0, "HANDLE"));
    vm(r, "vfree").vfree(r.cpu(), addr);
    r.markFreed(a.get(0, "HANDLE"), addr);
  }
}
