package io.mmsim.api.mem;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of what every frame of the machine is used for, and by whom: the simulator's answer to
 * {@code tools/mm/page-types} reading {@code /proc/kpageflags} and {@code page_owner}.
 *
 * <h2>Who fills it</h2>
 *
 * Each part knows its own frames and marks them through its {@code describeFrames(FrameMap)}: the
 * page allocator its free blocks, per-CPU pages and allocated blocks, the object allocator its
 * slabs, vmalloc its areas' pages, the page tables their table frames, the kernel its boot
 * reservations and the user, page-cache and swap-cache frames. The kernel clears the map and asks
 * the parts in that order, so a later, more specific answer (a slab) wins over an earlier, general
 * one (an allocated block).
 *
 * <h2>Layout</h2>
 *
 * Three primitive arrays indexed by PFN: the use (a {@link FrameUse} ordinal), the order of the
 * block the frame belongs to (-1 when unknown) and an owner id into a table of owner names (0 = no
 * owner). Owner names are interned: a cache name or {@code pid 3} is stored once. Filling the map
 * costs a pass over the parts' own structures; it is meant for reports, once per step, never for a
 * hot path.
 *
 * <p>Not thread-safe.
 *
 * @since 1.2
 */
public final class FrameMap {
  private final int frames;
  private final byte[] use;
  private final byte[] order;
  private final int[] owner;
  private final List<String> ownerNames = new ArrayList<>();
  private final Map<String, Integer> ownerIds = new HashMap<>();
  private final Map<Long, String> spaceLabels = new HashMap<>();

  /**
   * An empty map of {@code frames} frames, every frame {@link FrameUse#ALLOCATED}.
   *
   * @throws IllegalArgumentException when {@code frames} is not in {@code [1, 2^31 - 1)}
   */
  public FrameMap(long frames) {
    if (frames <= 0 || frames >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a frame map of " + frames + " frames");
    }
    this.frames = (int) frames;
    this.use = new byte[this.frames];
    this.order = new byte[this.frames];
    this.owner = new int[this.frames];
    clear();
  }

  /** The number of frames. */
  public long frames() {
    return frames;
  }

  /** Forgets everything: every frame {@link FrameUse#ALLOCATED}, no order, no owner. */
  public void clear() {
    Arrays.fill(use, (byte) FrameUse.ALLOCATED.ordinal());
    Arrays.fill(order, (byte) -1);
    Arrays.fill(owner, 0);
    ownerNames.clear();
    ownerIds.clear();
    ownerNames.add(null);
    spaceLabels.clear();
  }

  // ------------------------------------------------------------------ marking

  /**
   * Marks {@code count} frames from {@code pfn} as {@code use}, owned by {@code owner} (null for
   * none); their block order becomes unknown.
   *
   * @throws IllegalArgumentException when the range is not within the machine
   */
  public void mark(long pfn, long count, FrameUse use, String owner) {
    mark(pfn, count, use, -1, owner);
  }

  /**
   * Marks the block of {@code 2^order} frames at {@code pfn} as {@code use}, owned by {@code owner}
   * (null for none), and records its order.
   *
   * @throws IllegalArgumentException when the order is not in {@code [0, MAX_PAGE_ORDER]} or the
   *     block is not within the machine
   */
  public void markBlock(long pfn, int order, FrameUse use, String owner) {
    if (order < 0 || order > Page.MAX_PAGE_ORDER) {
      throw new IllegalArgumentException("markBlock: order " + order + " at pfn " + pfn);
    }
    mark(pfn, 1L << order, use, order, owner);
  }

  private void mark(long pfn, long count, FrameUse use, int blockOrder, String ownerName) {
    if (pfn < 0 || count < 0 || pfn > frames - count) {
      throw new IllegalArgumentException(
          "frames [" + pfn + ", " + (pfn + count) + ") are not within the " + frames + " frames");
    }
    int id = ownerId(ownerName);
    int from = (int) pfn;
    int to = (int) (pfn + count);
    Arrays.fill(this.use, from, to, (byte) use.ordinal());
    Arrays.fill(this.order, from, to, (byte) blockOrder);
    Arrays.fill(this.owner, from, to, id);
  }

  private int ownerId(String name) {
    if (name == null) {
      return 0;
    }
    Integer id = ownerIds.get(name);
    if (id == null) {
      id = ownerNames.size();
      ownerNames.add(name);
      ownerIds.put(name, id);
    }
    return id;
  }

  /**
   * Names the address space whose root table is frame {@code root} (such as {@code pid 3}), so that
   * the page tables can say whose their table frames are. The kernel calls this before it asks the
   * page tables.
   */
  public void labelAddressSpace(long root, String label) {
    spaceLabels.put(root, label);
  }

  /**
   * The label of the address space rooted at {@code root}, or {@code cr3=0x...} when it has none.
   */
  public String addressSpaceLabel(long root) {
    String l = spaceLabels.get(root);
    return l != null ? l : "cr3=0x" + Long.toHexString(root << Page.PAGE_SHIFT);
  }

  // ------------------------------------------------------------------ reading

  /** The use of frame {@code pfn}. */
  public FrameUse use(long pfn) {
    return FrameUse.of(use[check(pfn)]);
  }

  /** The order of the block frame {@code pfn} belongs to, or -1 when no part said. */
  public int order(long pfn) {
    return order[check(pfn)];
  }

  /** The owner of frame {@code pfn} (a cache name, {@code pid 3}, ...), or null. */
  public String owner(long pfn) {
    return ownerNames.get(owner[check(pfn)]);
  }

  /** The owner id of frame {@code pfn}: an index into {@link #owners()}, 0 for none. */
  public int ownerId(long pfn) {
    return owner[check(pfn)];
  }

  /** Owner names by id; id 0 is null (no owner). */
  public List<String> owners() {
    return Collections.unmodifiableList(ownerNames);
  }

  /** The number of frames with use {@code u}. */
  public long count(FrameUse u) {
    byte b = (byte) u.ordinal();
    long n = 0;
    for (int i = 0; i < frames; i++) {
      if (use[i] == b) {
        n++;
      }
    }
    return n;
  }

  private int check(long pfn) {
    if (pfn < 0 || pfn >= frames) {
      throw new IllegalArgumentException(
          "pfn " + pfn + " is not a frame of this map of " + frames + " frames");
    }
    return (int) pfn;
  }
}
