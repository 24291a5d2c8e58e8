package io.mmsim.api.vmalloc;

import java.util.Objects;

/**
 * One row of /proc/vmallocinfo.
 *
 * <p>The kernel prints a live area as {@code "0x%pK-0x%pK %7ld"} (start, end, size with the guard
 * page), then, when present and in this order, {@code " %pS"} (the caller), {@code " pages=%d"},
 * the flags ({@code " vmalloc"}, {@code " vmap"}, {@code " vpages"} when the page array itself is
 * vmalloc'ed) and {@code " N%u=%u"} per NUMA node. A lazily freed range that has not been purged
 * yet prints as {@code "0x%pK-0x%pK %7ld unpurged vm_area"}. Source: {@code mm/vmalloc.c}, {@code
 * vmalloc_info_show()}.
 *
 * @param start first address
 * @param size bytes including the guard page
 * @param caller who asked for the area (mmsim prints the caller string it was given, e.g. a
 *     workload's {@code file:line}; the kernel prints a symbol such as {@code caller+0x1c/0x50}),
 *     or empty for none
 * @param pages pages owned by the area ({@code nr_pages}; 0 for vmap, which borrows its frames)
 * @param kind {@link #VMALLOC}, {@link #VMAP}, {@link #VM_MAP_RAM} or {@link #UNPURGED}
 * @param vpages true when the area's page array is itself a vmalloc area (the {@code vpages} flag)
 * @param nodePages pages on NUMA node 0 (mmsim has one node); 0 prints no {@code N0=} field
 */
public record VmArea(
    long start, long size, String caller, long pages, String kind, boolean vpages, long nodePages) {

  /** Kind of an area made by vmalloc ({@code VM_ALLOC}). */
  public static final String VMALLOC = "vmalloc";

  /** Kind of an area made by vmap ({@code VM_MAP}). */
  public static final String VMAP = "vmap";

  /** Kind of a vm_map_ram area (no vm_struct). */
  public static final String VM_MAP_RAM = "vm_map_ram";

  /** Kind of a lazily freed range waiting for the purge (TLB flush). */
  public static final String UNPURGED = "unpurged vm_area";

  /** Validates the row. */
  public VmArea {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(kind, "kind");
    if (size <= 0 || pages < 0 || nodePages < 0) {
      throw new IllegalArgumentException(
          String.format(
              "bad vmallocinfo row: start 0x%x size %d pages %d nodePages %d",
              start, size, pages, nodePages));
    }
    if (caller.indexOf(' ') >= 0) {
      throw new IllegalArgumentException("a vmallocinfo caller has no spaces: '" + caller + "'");
    }
  }

  /** The first address after the area (start + size, guard page included). */
  public long end() {
    return start + size;
  }

  /** True for a lazily freed range ({@link #UNPURGED}). */
  public boolean unpurged() {
    return kind.equals(UNPURGED);
  }

  /** The row as the kernel prints it (without newline). */
  public String format() {
    StringBuilder sb = new StringBuilder(96);
    sb.append(String.format("0x%016x-0x%016x %7d", start, start + size, size));
    if (kind.equals(UNPURGED) || kind.equals(VM_MAP_RAM)) {
      return sb.append(' ').append(kind).toString();
    }
    if (!caller.isEmpty()) {
      sb.append(' ').append(caller);
    }
    if (pages > 0) {
      sb.append(" pages=").append(pages);
    }
    sb.append(' ').append(kind);
    if (vpages) {
      sb.append(" vpages");
    }
    if (nodePages > 0) {
      sb.append(" N0=").append(nodePages);
    }
    return sb.toString();
  }
}
