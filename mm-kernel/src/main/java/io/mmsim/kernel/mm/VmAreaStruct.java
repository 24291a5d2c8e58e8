package io.mmsim.kernel.mm;

import io.mmsim.api.fault.FileBacking;
import io.mmsim.api.fault.Prot;
import io.mmsim.api.fault.Vma;

/**
 * One area of a process's address space ({@code struct vm_area_struct}): a page-aligned range with
 * one protection, anonymous or backed by a file, private or shared. Mutable only by {@link
 * MmStruct}, which keeps its areas disjoint and sorted.
 */
public final class VmAreaStruct implements Vma {
  long start;
  long end;
  int prot;
  final boolean shared;
  final FileBacking file;
  long fileOffset;
  final String name;

  /**
   * {@code VM_MAYWRITE}: write permission may be added; false for a shared mapping of a file opened
   * without write access, so that {@code mprotect} to write fails with EACCES.
   */
  final boolean mayWrite;

  /** {@code VM_HUGEPAGE}: madvise(MADV_HUGEPAGE). */
  boolean hugepage;

  /** {@code VM_NOHUGEPAGE}: madvise(MADV_NOHUGEPAGE). */
  boolean noHugepage;

  /** The hugetlbfs object of a MAP_HUGETLB area ({@code is_vm_hugetlb_page}), or null. */
  Hugetlb.Inode hugetlb;

  VmAreaStruct(
      long start,
      long end,
      int prot,
      boolean shared,
      FileBacking file,
      long fileOffset,
      String name) {
    this(start, end, prot, shared, file, fileOffset, name, true);
  }

  VmAreaStruct(
      long start,
      long end,
      int prot,
      boolean shared,
      FileBacking file,
      long fileOffset,
      String name,
      boolean mayWrite) {
    this.start = start;
    this.end = end;
    this.prot = prot;
    this.shared = shared;
    this.file = file;
    this.fileOffset = fileOffset;
    this.name = name;
    this.mayWrite = mayWrite;
  }

  @Override
  public long start() {
    return start;
  }

  @Override
  public long end() {
    return end;
  }

  @Override
  public int prot() {
    return prot;
  }

  @Override
  public boolean shared() {
    return shared;
  }

  @Override
  public boolean anonymous() {
    return file == null;
  }

  @Override
  public FileBacking file() {
    return file;
  }

  @Override
  public long fileOffset() {
    return fileOffset;
  }

  /** The name /proc/PID/maps shows ({@code [heap]}, {@code [stack]}, a path) or empty. */
  public String name() {
    return file != null ? file.path() : name;
  }

  /** The area's NUMA memory policy ({@code vm_policy}, set by mbind), or null for the task's. */
  Mempolicy mempolicy;

  /** A copy for a forked child (vma_dup_policy: the policy comes along). */
  VmAreaStruct copy() {
    VmAreaStruct v = new VmAreaStruct(start, end, prot, shared, file, fileOffset, name, mayWrite);
    v.mempolicy = mempolicy;
    v.hugepage = hugepage;
    v.noHugepage = noHugepage;
    v.hugetlb = hugetlb;
    return v;
  }

  /** A copy covering {@code [from, to)} of this area, with the file offset moved along. */
  VmAreaStruct slice(long from, long to) {
    VmAreaStruct v =
        new VmAreaStruct(from, to, prot, shared, file, fileOffset + (from - start), name, mayWrite);
    v.mempolicy = mempolicy;
    v.hugepage = hugepage;
    v.noHugepage = noHugepage;
    v.hugetlb = hugetlb;
    return v;
  }

  @Override
  public String toString() {
    return String.format(
        "[0x%x, 0x%x) %s%c %s", start, end, Prot.format(prot), shared ? 's' : 'p', name());
  }
}
