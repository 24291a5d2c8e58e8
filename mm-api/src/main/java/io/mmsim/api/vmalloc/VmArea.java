package io.mmsim.api.vmalloc;

/**
 * One area as /proc/vmallocinfo lists it.
 *
 * @param start first address
 * @param size bytes including the guard page
 * @param caller the symbol that asked for it, e.g. {@code workload+0x3/0x0}, or empty
 * @param pages pages backing it (0 for none)
 * @param kind {@code vmalloc}, {@code vmap}, or {@code unpurged vm_area} for a lazily freed range
 * @param nodePages pages per NUMA node (node 0 only in mmsim)
 */
public record VmArea(long start, long size, String caller, long pages, String kind,
    long nodePages) {

  /** The row as the kernel prints it (without newline). */
  public String format() {
    StringBuilder sb = new StringBuilder(
        String.format("0x%016x-0x%016x %7d", start, start + size, size));
    if (kind.equals("unpurged vm_area") || kind.equals("vm_map_ram")) {
      return sb.append(' ').append(kind).toString();
    }
    if (!caller.isEmpty()) {
      sb.append(' ').append(caller);
    }
    if (pages > 0) {
      sb.append(" pages=").append(pages);
    }
    sb.append(' ').append(kind);
    if (nodePages > 0) {
      sb.append(" N0=").append(nodePages);
    }
    return sb.toString();
  }
}
