package io.mmsim.kernel.mm;

import java.util.HashMap;
import java.util.Map;

import io.mmsim.api.fault.FileBacking;
import io.mmsim.api.mem.FrameMap;
import io.mmsim.api.mem.FrameUse;

/**
 * Marks the user side's frames in a {@link FrameMap}: every frame the process side holds a
 * reference on is a page-cache page (a file's or a shmem object's) or an anonymous page, owned by
 * the processes that map it, as {@code tools/mm/page-types} tells them apart by {@code KPF_ANON}
 * and the mapping's owners by the reverse map. Swap-cache pages are the swap system's to mark
 * afterwards.
 *
 * <p>A pass over the reference counts plus one reverse-map lookup per user frame: for reports, once
 * per step.
 */
final class UserFrames {
  private UserFrames() {}

  static void describe(PageCounts refs, Rmap rmap, PageCache cache, long zeroPfn, FrameMap map) {
    Map<FileBacking, String> fileNames = new HashMap<>();
    StringBuilder sb = new StringBuilder();
    for (int pfn = 0; pfn < refs.frames(); pfn++) {
      if (!refs.held(pfn) || pfn == zeroPfn) {
        continue;
      }
      sb.setLength(0);
      FileBacking f = cache.fileOf(pfn);
      if (f != null) {
        sb.append(
            fileNames.computeIfAbsent(
                f, b -> b.shmem() ? "shmem" : b.path().substring(b.path().lastIndexOf('/') + 1)));
      }
      long[] keys = rmap.keys(pfn);
      int last = -1;
      for (long k : keys) {
        int pid = Rmap.pid(k);
        if (pid != last) {
          sb.append(sb.length() == 0 ? "" : ", ").append("pid ").append(pid);
          last = pid;
        }
      }
      map.mark(
          pfn,
          1,
          f != null ? FrameUse.PAGE_CACHE : FrameUse.ANON,
          sb.length() == 0 ? null : sb.toString());
    }
  }
}
