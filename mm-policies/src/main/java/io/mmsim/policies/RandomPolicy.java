package io.mmsim.policies;

import java.util.Arrays;
import java.util.SplittableRandom;

import io.mmsim.api.reclaim.ReplacementPolicy;

/*
 * Random replacement: evict a resident page chosen uniformly at random, whatever its history. The
 * baseline every policy study starts from; Belady, "A study of replacement algorithms for a
 * virtual-storage computer", IBM Systems Journal 5(2), 1966, measured it next to FIFO and OPT.
 *
 * The resident pages sit densely in pages[0..size) with a PageIndex from page to position; a
 * victim is pages[r] for r uniform in [0, size), and the last page moves into its place, so every
 * operation is O(1). The generator is a SplittableRandom seeded from the kernel's seed (the
 * provider context's seed()), so a run is repeatable; libCacheSim's Random.c draws from its hash
 * table with its own generator, so its counts are a sample of the same distribution, not a target.
 * Invariants: the index maps exactly pages[0..size) to their positions.
 */
final class RandomPolicy implements ReplacementPolicy {
  private final PageIndex index;
  private final SplittableRandom random;
  private long[] pages;
  private int size;
  private long scanned;

  RandomPolicy(long seed, int expected) {
    index = new PageIndex(expected);
    random = new SplittableRandom(seed);
    pages = new long[Math.max(16, expected)];
  }

  @Override
  public String name() {
    return "random";
  }

  @Override
  public void insert(long page) {
    if (index.putIfAbsent(page, size) != PageIndex.NONE) {
      throw new IllegalArgumentException("random: page " + page + " is already resident");
    }
    if (size == pages.length) {
      pages = Arrays.copyOf(pages, size * 2);
    }
    pages[size] = page;
    size++;
  }

  @Override
  public void access(long page) {
    // references do not matter
  }

  @Override
  public void remove(long page) {
    int at = index.get(page);
    if (at != PageIndex.NONE) {
      take(at);
    }
  }

  @Override
  public long victim(ReferenceBits bits) {
    if (size == 0) {
      return NO_VICTIM;
    }
    scanned++;
    return take(random.nextInt(size));
  }

  /** Removes the page at {@code at}, filling its place with the last page. */
  private long take(int at) {
    long page = pages[at];
    index.remove(page);
    size--;
    if (at != size) {
      long moved = pages[size];
      pages[at] = moved;
      index.update(moved, at);
    }
    return page;
  }

  @Override
  public long resident() {
    return size;
  }

  @Override
  public boolean contains(long page) {
    return index.get(page) != PageIndex.NONE;
  }

  @Override
  public long scanned() {
    return scanned;
  }

  @Override
  public void checkInvariants() {
    index.checkInvariants();
    if (index.size() != size) {
      throw new AssertionError("random: " + size + " pages but " + index.size() + " indexed");
    }
    for (int i = 0; i < size; i++) {
      if (index.get(pages[i]) != i) {
        throw new AssertionError("random: page " + pages[i] + " at " + i + " indexed elsewhere");
      }
    }
  }
}
