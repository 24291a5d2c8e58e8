package io.mmsim.slub;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.object.SlabFlags;

/**
 * The {@code slab_debug=} (formerly {@code slub_debug=}) boot option: which debug flags each cache
 * gets.
 *
 * <h2>Syntax</h2>
 *
 * {@code <opts>[,<cache>,...][;<opts>[,<cache>,...]]...}, as in {@code Documentation/mm/slub.rst}.
 * Option letters (any case): {@code F} consistency checks, {@code Z} red zones, {@code P}
 * poisoning, {@code U} user tracking, {@code T} trace, {@code O} skip caches whose slab order the
 * metadata would raise, {@code -} switch debugging off. A block without a cache list sets the flags
 * of every cache; a block with one applies to the caches it names (a trailing {@code *} matches a
 * prefix, e.g. {@code kmalloc-*}); the first block that names a cache wins. A block that starts
 * with a comma ({@code ,dentry}) means full debugging ({@code FZPU}) for the caches listed. An
 * empty value turns debugging off. The kernel's bare {@code slab_debug} (no value) is FZPU: write
 * {@code FZPU}. {@code A} (failslab fault injection) is not modelled and is rejected.
 */
final class SlubDebugOptions {
  /** {@code DEBUG_DEFAULT_FLAGS}: F, Z, P and U. */
  static final int DEFAULT_FLAGS =
      SlabFlags.CONSISTENCY_CHECKS | SlabFlags.RED_ZONE | SlabFlags.POISON | SlabFlags.STORE_USER;

  static final SlubDebugOptions NONE = new SlubDebugOptions(0, List.of(), false);

  private final int globalFlags;
  private final List<Block> blocks;
  private final boolean skipHigherOrder;

  private record Block(int flags, List<String> patterns) {}

  private SlubDebugOptions(int globalFlags, List<Block> blocks, boolean skipHigherOrder) {
    this.globalFlags = globalFlags;
    this.blocks = blocks;
    this.skipHigherOrder = skipHigherOrder;
  }

  /** Parses a {@code slub.debug} value; {@code key} is the full key for error messages. */
  static SlubDebugOptions parse(String value, String key) {
    String v = value.trim();
    if (v.isEmpty()) {
      return NONE;
    }
    int global = 0;
    boolean skip = false;
    List<Block> blocks = new ArrayList<>();
    for (String rawBlock : v.split(";", -1)) {
      String block = rawBlock.trim();
      if (block.isEmpty()) {
        continue;
      }
      String[] parts = block.split(",", -1);
      int flags;
      if (parts[0].isEmpty()) {
        flags = DEFAULT_FLAGS;
      } else {
        flags = 0;
        for (char ch : parts[0].toCharArray()) {
          switch (Character.toUpperCase(ch)) {
            case 'F' -> flags |= SlabFlags.CONSISTENCY_CHECKS;
            case 'Z' -> flags |= SlabFlags.RED_ZONE;
            case 'P' -> flags |= SlabFlags.POISON;
            case 'U' -> flags |= SlabFlags.STORE_USER;
            case 'T' -> flags |= SlabFlags.TRACE;
            case 'O' -> skip = true;
            case '-' -> flags = 0;
            case 'A' ->
                throw new ConfigurationException(
                    key,
                    key
                        + ": option 'A' (failslab fault"
                        + " injection) is not modelled; use F, Z, P, U, T, O or -");
            default ->
                throw new ConfigurationException(
                    key,
                    key
                        + ": unknown debug option '"
                        + ch
                        + "' in '"
                        + value
                        + "' (use F, Z, P, U, T, O or -)");
          }
        }
      }
      List<String> patterns = new ArrayList<>();
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].trim();
        if (!p.isEmpty()) {
          patterns.add(p);
        }
      }
      if (patterns.isEmpty()) {
        if (parts.length > 1) {
          throw new ConfigurationException(key, key + ": empty cache list in '" + block + "'");
        }
        global = flags;
      } else {
        blocks.add(new Block(flags, List.copyOf(patterns)));
      }
    }
    return new SlubDebugOptions(global, List.copyOf(blocks), skip);
  }

  /** The debug flags a cache named {@code name} gets ({@code kmem_cache_flags}). */
  int flagsFor(String name) {
    for (Block b : blocks) {
      for (String p : b.patterns) {
        if (matches(p, name)) {
          return b.flags;
        }
      }
    }
    return globalFlags;
  }

  /** The {@code O} option: drop metadata debugging where it would raise a cache's slab order. */
  boolean skipHigherOrder() {
    return skipHigherOrder;
  }

  /** True when any cache can get debug flags. */
  boolean enabled() {
    return globalFlags != 0 || !blocks.isEmpty();
  }

  private static boolean matches(String pattern, String name) {
    if (pattern.endsWith("*")) {
      return name.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return pattern.equals(name);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "global=0x%x blocks=%s O=%s", globalFlags, blocks, skipHigherOrder);
  }
}
