package io.mmsim.api.mem;

/**
 * The words of every frame that change meaning with the frame's state: the union part of {@code
 * struct page} ({@code include/linux/mm_types.h}), two {@code int}s a frame in two primitive arrays
 * indexed by PFN.
 *
 * <p>A frame is in one state at a time, so one pair of words serves every owner in turn, as the
 * kernel reuses a page's {@code lru}, {@code slab} and {@code mapping}/{@code index} words:
 *
 * <pre>
 *   state of the frame        owner of its words     word0               word1
 *   free, on a free list      the page allocator     next link           prev link
 *   free, not a list member   the page allocator     0                   0
 *   a slab or kmalloc block   the object allocator   slab id / mark      0
 *   a user page               the process side       reverse-map key, high half, low half
 *   anything else allocated   its owner              0                   0
 * </pre>
 *
 * <h2>Lending</h2>
 *
 * The page allocator owns the words of every frame it has not handed out. It hands a block out with
 * every frame's words 0, and the block's owner gives it back with every frame's words 0 again, as
 * {@code mm/page_alloc.c: free_page_is_bad} expects a page's {@code mapping} to be cleared before
 * it is freed. An owner reads only the words of frames it holds; a value it finds anywhere else
 * belongs to someone else. A page allocator that keeps its free lists elsewhere never writes the
 * words, and the rule holds all the same.
 *
 * <p>A page allocator that keeps its own lists here may ask for {@code extraWords} more entries
 * after the last frame (list heads that thread through the same arrays): indices {@code frames()}
 * and up are its own, never a frame's.
 *
 * <p>The arrays are handed out as they are, without copies, so that the hot paths of each owner
 * index them directly: {@link #word0()} and {@link #word1()} return the same arrays every time. Not
 * thread-safe: one kernel, one thread.
 *
 * @since 1.4
 */
public final class Memmap {
  /** Bytes this takes per frame: two {@code int} words. */
  public static final int BYTES_PER_FRAME = 2 * Integer.BYTES;

  private final int frames;
  private final int[] word0;
  private final int[] word1;

  /**
   * The words of {@code frames} frames, all 0, followed by {@code extraWords} entries of the page
   * allocator's own.
   *
   * @throws IllegalArgumentException unless {@code 0 < frames} and {@code frames + extraWords} fits
   *     an array
   */
  public Memmap(long frames, int extraWords) {
    if (frames <= 0 || extraWords < 0 || frames > Integer.MAX_VALUE - 8L - extraWords) {
      throw new IllegalArgumentException(
          "a memmap of " + frames + " frames and " + extraWords + " extra words");
    }
    this.frames = (int) frames;
    this.word0 = new int[this.frames + extraWords];
    this.word1 = new int[this.frames + extraWords];
  }

  /** The words of {@code frames} frames, all 0, and nothing more. */
  public Memmap(long frames) {
    this(frames, 0);
  }

  /** The number of frames (entries past it are the page allocator's own). */
  public int frames() {
    return frames;
  }

  /** The first word of every frame: a free frame's next link, a slab's id, a key's high half. */
  public int[] word0() {
    return word0;
  }

  /** The second word of every frame: a free frame's prev link, a key's low half. */
  public int[] word1() {
    return word1;
  }

  /** True when both words of frame {@code pfn} are 0, the state of a frame changing hands. */
  public boolean clear(long pfn) {
    int f = (int) pfn;
    return (word0[f] | word1[f]) == 0;
  }
}
