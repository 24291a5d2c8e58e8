package io.mmsim.kernel.mm;

import io.mmsim.api.mem.Page;
import io.mmsim.api.page.PageAllocator;

/*
 * A NUMA memory policy (mm/mempolicy.c, include/uapi/linux/mempolicy.h): where a process's user
 * pages come from. A task has one (set_mempolicy); an area may have its own (mbind), which wins.
 *
 *   default      MPOL_DEFAULT / local allocation: the faulting CPU's node first, then the others
 *                by distance
 *   preferred=N  MPOL_PREFERRED: node N first, then the others by distance from N
 *   bind=NODES   MPOL_BIND: only NODES, nearest to the faulting CPU first (policy_nodemask); no
 *                fallback outside them: reclaim or the OOM killer instead
 *   interleave=NODES
 *                MPOL_INTERLEAVE: page i of an area goes to the (i mod |NODES|)-th node of NODES
 *                (interleave_nid, offset_il_node), i counted from the area's page offset
 *                (vm_pgoff: the page number of the area's start for an anonymous area, the file's
 *                page for a file mapping) plus the page's index in the area, as get_vma_policy
 *                computes it for a fault since 6.8; it may fall back to other nodes, and a page
 *                that landed on its chosen node counts as numa_interleave
 *
 * NODES is a node list as the kernel's nodelist syntax (and numactl) writes it: numbers and
 * ranges separated by commas, "0-1,3". Policies are immutable, shared between a parent and a
 * forked child (mpol_dup copies; nothing here ever changes one in place).
 *
 * Not modelled: MPOL_LOCAL and MPOL_PREFERRED_MANY, MPOL_WEIGHTED_INTERLEAVE, the mode flags
 * (MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES), mbind's MPOL_MF_MOVE (pages already present stay
 * where they are; the policy places the pages faulted in later), and cpusets.
 */
public final class Mempolicy {

  /** The policy modes mmsim models. */
  public enum Mode {
    /** MPOL_DEFAULT. */
    DEFAULT,
    /** MPOL_PREFERRED. */
    PREFERRED,
    /** MPOL_BIND. */
    BIND,
    /** MPOL_INTERLEAVE. */
    INTERLEAVE
  }

  /** The default policy: local allocation. */
  public static final Mempolicy DEFAULT = new Mempolicy(Mode.DEFAULT, 0);

  private final Mode mode;
  private final long nodes;

  private Mempolicy(Mode mode, long nodes) {
    this.mode = mode;
    this.nodes = nodes;
  }

  /**
   * Parses {@code default}, {@code preferred=N}, {@code bind=NODES} or {@code interleave=NODES} for
   * a machine of {@code nodeCount} nodes.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Mempolicy parse(String text, int nodeCount) {
    String t = text.trim();
    if (t.equals("default")) {
      return DEFAULT;
    }
    int eq = t.indexOf('=');
    String mode = eq < 0 ? t : t.substring(0, eq);
    if (eq < 0 && !mode.isEmpty()) {
      throw new IllegalArgumentException(
          "policy '"
              + t
              + "' needs its nodes (default, preferred=N, bind=NODES, interleave=NODES)");
    }
    long mask = nodeList(t.substring(eq + 1), nodeCount);
    switch (mode) {
      case "preferred":
        if (Long.bitCount(mask) != 1) {
          throw new IllegalArgumentException(
              "preferred=" + t.substring(eq + 1) + ": a preferred policy names one node");
        }
        return new Mempolicy(Mode.PREFERRED, mask);
      case "bind":
        return new Mempolicy(Mode.BIND, mask);
      case "interleave":
        return new Mempolicy(Mode.INTERLEAVE, mask);
      default:
        throw new IllegalArgumentException(
            "unknown policy '" + mode + "' (default, preferred=N, bind=NODES, interleave=NODES)");
    }
  }

  /** A node list such as {@code 0-1,3} as a mask; every node must exist. */
  static long nodeList(String list, int nodeCount) {
    if (list.isBlank()) {
      throw new IllegalArgumentException("empty node list");
    }
    long mask = 0;
    for (String part : list.split(",", -1)) {
      String p = part.trim();
      int dash = p.indexOf('-');
      int lo = node(dash < 0 ? p : p.substring(0, dash), list);
      int hi = dash < 0 ? lo : node(p.substring(dash + 1), list);
      if (hi < lo) {
        throw new IllegalArgumentException("node range '" + p + "' runs backwards");
      }
      if (hi >= nodeCount) {
        throw new IllegalArgumentException(
            String.format(
                "node %d does not exist: the machine has node%s 0%s (numa.nodes=%d)",
                hi,
                nodeCount == 1 ? "" : "s",
                nodeCount == 1 ? "" : ".." + (nodeCount - 1),
                nodeCount));
      }
      for (int n = lo; n <= hi; n++) {
        mask |= 1L << n;
      }
    }
    return mask;
  }

  private static int node(String text, String list) {
    try {
      int n = Integer.parseInt(text.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "node list '" + list + "': '" + text.trim() + "' is not a node number", e);
    }
  }

  /** The mode. */
  public Mode mode() {
    return mode;
  }

  /** The nodes as a mask (0 for the default policy). */
  public long nodes() {
    return nodes;
  }

  /** The preferred node argument of the allocation: NUMA_NO_NODE = the faulting CPU's node. */
  int preferredNode() {
    return mode == Mode.PREFERRED ? Long.numberOfTrailingZeros(nodes) : PageAllocator.NUMA_NO_NODE;
  }

  /** The node mask argument of the allocation. */
  long nodemask() {
    return mode == Mode.BIND ? nodes : PageAllocator.ALL_NODES;
  }

  /**
   * {@code interleave_nid}: the node for interleave index {@code ilx}, the {@code ilx mod
   * weight}-th node of the mask.
   */
  int interleaveNode(long ilx) {
    int target = (int) Long.remainderUnsigned(ilx, Long.bitCount(nodes));
    long m = nodes;
    for (int i = 0; i < target; i++) {
      m &= m - 1;
    }
    return Long.numberOfTrailingZeros(m);
  }

  /** The interleave index of the page at {@code linear} in {@code vma} (get_vma_policy). */
  static long interleaveIndex(VmAreaStruct vma, long linear) {
    long pgoff =
        vma.file == null ? vma.start >>> Page.PAGE_SHIFT : vma.fileOffset >>> Page.PAGE_SHIFT;
    return pgoff + ((linear - vma.start) >>> Page.PAGE_SHIFT);
  }

  /** The policy as the workload operations write it. */
  @Override
  public String toString() {
    if (mode == Mode.DEFAULT) {
      return "default";
    }
    StringBuilder sb =
        new StringBuilder(mode.name().toLowerCase(java.util.Locale.ROOT)).append('=');
    boolean first = true;
    for (long m = nodes; m != 0; m &= m - 1) {
      sb.append(first ? "" : ",").append(Long.numberOfTrailingZeros(m));
      first = false;
    }
    return sb.toString();
  }
}
