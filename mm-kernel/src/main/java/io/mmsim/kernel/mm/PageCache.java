package io.mmsim.kernel.mm;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

import io.mmsim.api.fault.FileBacking;
import io.mmsim.api.mem.Page;
import io.mmsim.api.reclaim.ShadowTable;
import io.mmsim.api.util.LongLongHashMap;

/**
 * The page cache: which frame holds page {@code offset} of a file, so that every mapping of the
 * same file page shares one frame. The cache holds one reference on each of its frames.
 *
 * <p>mmsim keeps a page cached only while some process maps it: when the last mapping goes, the
 * page is written back if dirty and dropped (an immediate eviction, so that memory returns to where
 * it was once every process is gone). That drop leaves no shadow entry: only reclaim does.
 *
 * <p>A page reclaim evicts leaves a shadow entry in its slot (mm/workingset.c), kept in a {@link
 * ShadowTable} whose slot index is the file's number (in the order files are first cached) above
 * the page offset: {@code id << 40 | offset >> 12}. A page read into a slot with a shadow takes it
 * out; the kernel asks for it once the page is mapped ({@link #takeRefaultShadow}). Shmem pages
 * leave no shadow here: they go to swap, whose cache keeps it.
 */
final class PageCache {
  private record Key(FileBacking file, long offset) {}

  private final Map<Key, Long> byKey = new HashMap<>();
  private final Map<Long, Key> byPfn = new HashMap<>();

  /** The frames in the cache, so that the fault path asks without boxing a frame number. */
  private final BitSet cached = new BitSet();

  private final Map<FileBacking, Long> fileIds = new HashMap<>();
  private final ShadowTable shadows = new ShadowTable();

  /** Shadows found by pages read since, by frame, until the mapping asks for them. */
  private final LongLongHashMap refaults = new LongLongHashMap(16, ShadowTable.NONE);

  /** The shadow table's slot of page {@code offset} of {@code file}. */
  private long index(FileBacking file, long offset) {
    Long id = fileIds.get(file);
    if (id == null) {
      id = (long) fileIds.size();
      fileIds.put(file, id);
    }
    return id << 40 | offset >>> Page.PAGE_SHIFT;
  }

  /** The frame caching page {@code offset} of {@code file}, or -1. */
  long find(FileBacking file, long offset) {
    Long pfn = byKey.get(new Key(file, offset));
    return pfn == null ? -1 : pfn;
  }

  void add(FileBacking file, long offset, long pfn) {
    Key k = new Key(file, offset);
    byKey.put(k, pfn);
    byPfn.put(pfn, k);
    cached.set((int) pfn);
    long index = index(file, offset);
    long shadow = shadows.take(index);
    if (shadow != ShadowTable.NONE) {
      refaults.put(pfn, shadow);
    }
    shadows.pageAdded(index);
  }

  /** The shadow page {@code pfn} found in its slot when it was read, handed over once. */
  long takeRefaultShadow(long pfn) {
    return refaults.remove(pfn);
  }

  /** The shadow entries of the page cache ({@code workingset_nodes} and its shrinker). */
  ShadowTable shadows() {
    return shadows;
  }

  boolean contains(long pfn) {
    return cached.get((int) pfn);
  }

  FileBacking fileOf(long pfn) {
    Key k = byPfn.get(pfn);
    return k == null ? null : k.file();
  }

  long offsetOf(long pfn) {
    Key k = byPfn.get(pfn);
    return k == null ? -1 : k.offset();
  }

  /** The file page cached at {@code src} is now at {@code dst} (page migration). */
  void move(long src, long dst) {
    Key k = byPfn.remove(src);
    if (k != null) {
      byPfn.put(dst, k);
      byKey.put(k, dst);
      cached.clear((int) src);
      cached.set((int) dst);
    }
  }

  void remove(long pfn) {
    remove(pfn, ShadowTable.NONE);
  }

  /** Drops page {@code pfn}, leaving {@code shadow} in its slot (or none: {@code NONE}). */
  void remove(long pfn, long shadow) {
    Key k = byPfn.remove(pfn);
    if (k != null) {
      byKey.remove(k);
      cached.clear((int) pfn);
      refaults.remove(pfn);
      shadows.pageRemoved(
          index(k.file(), k.offset()), k.file().shmem() ? ShadowTable.NONE : shadow);
    }
  }

  /** Cached pages of shmem objects not in {@code mapped}. */
  java.util.List<Long> pagesOfShmemNotIn(java.util.Set<FileBacking> mapped) {
    java.util.List<Long> out = new java.util.ArrayList<>();
    for (Map.Entry<Long, Key> e : new java.util.TreeMap<>(byPfn).entrySet()) {
      FileBacking f = e.getValue().file();
      if (f.shmem() && !mapped.contains(f)) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** Cached pages of shmem objects. */
  long shmemPages() {
    long n = 0;
    for (Key k : byPfn.values()) {
      if (k.file().shmem()) {
        n++;
      }
    }
    return n;
  }

  /** Pages cached (meminfo Cached). */
  long size() {
    return byPfn.size();
  }
}
