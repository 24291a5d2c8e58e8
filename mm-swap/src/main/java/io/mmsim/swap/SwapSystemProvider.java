package io.mmsim.swap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.google.auto.service.AutoService;

import io.mmsim.api.spi.SpiVersion;
import io.mmsim.api.swap.SwapContext;
import io.mmsim.api.swap.SwapException;
import io.mmsim.api.swap.SwapProvider;
import io.mmsim.api.swap.SwapSpace;
import io.mmsim.api.swap.SwapSystem;

/**
 * Provider of the {@code swap} subsystem: swap files in the Linux format and in-memory areas with
 * priorities, swap_map slot counts with cluster allocation, the swap cache, reclaim through any
 * replacement policy, and fault injection on swap I/O.
 *
 * <p>Settings (prefix {@code swap}): {@code files} ({@code PATH[:PRIORITY],...}, activated in
 * order), {@code memory} ({@code SIZE[:PRIORITY]}, an in-memory area), and for each of {@code
 * fail-read} and {@code fail-write} the fault_attr knobs {@code probability} (percent), {@code
 * interval}, {@code times} (-1: no limit) and {@code space} (bytes that pass first).
 *
 * <p>{@link #mkswap} writes swap files in the Linux on-disk format, which {@code swap.files}
 * activates and Linux's own swapon accepts.
 */
@AutoService(SwapProvider.class)
public final class SwapSystemProvider implements SwapProvider {

  /** Does nothing; all work happens in {@link #create}. */
  public SwapSystemProvider() {}

  @Override
  public String name() {
    return "swap";
  }

  @Override
  public String description() {
    return "swap files and in-memory areas with priorities, swap cache, reclaim, fault injection";
  }

  @Override
  public int spiVersion() {
    return SpiVersion.CURRENT;
  }

  @Override
  public Map<String, String> defaultSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("files", "");
    m.put("memory", "");
    for (String op : new String[] {"fail-read", "fail-write"}) {
      m.put(op + ".probability", "0");
      m.put(op + ".interval", "1");
      m.put(op + ".times", "1");
      m.put(op + ".space", "0");
    }
    return m;
  }

  @Override
  public SwapSystem create(SwapContext ctx) {
    SwapSubsystem s = new SwapSubsystem(ctx);
    s.activateConfigured();
    return s;
  }

  /** Writes a Linux version-1 swap header (the {@code SWAPSPACE2} format) as util-linux does. */
  @Override
  public SwapSpace mkswap(Path file, long sizeBytes, String label, UUID uuid) throws IOException {
    try {
      return SwapHeader.mkswap(file, sizeBytes, label, uuid).space();
    } catch (IllegalArgumentException e) {
      throw new SwapException(file.toString(), e.getMessage());
    }
  }
}
