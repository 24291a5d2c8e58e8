package io.mmsim.api.swap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

import io.mmsim.api.spi.Provider;

/**
 * Creates the swap subsystem (settings prefix {@code swap}: {@code swap.files}, {@code
 * swap.memory}, fault injection) and formats swap files in its on-disk format. The kernel creates
 * one subsystem per boot when a provider is found and hands it to the providers that need it
 * through {@link SwapHandlerContext}.
 *
 * @since 1.0
 */
public interface SwapProvider extends Provider {

  /**
   * A swap subsystem with the configured areas active.
   *
   * @throws SwapException when a configured swap file is refused
   * @throws io.mmsim.api.ConfigurationException when a setting does not parse
   */
  SwapSystem create(SwapContext ctx);

  /**
   * Formats {@code file} as a swap area of {@code sizeBytes} bytes, as {@code mkswap} does: the
   * file is created or truncated, sized (sparse where the file system allows), and its first page
   * holds a header that {@link SwapSystem#swapon} of this provider accepts. Whole pages only: a
   * tail of less than a page is not part of the area. Every check runs before the file is touched.
   *
   * <p>The default refuses: a provider whose areas have no on-disk format cannot format one.
   *
   * @param label the volume label, empty for none
   * @param uuid the area's UUID
   * @return what was written (the label as stored)
   * @throws SwapException naming the file when the size, label or UUID cannot make a valid header,
   *     or when this provider has no on-disk format; the file is then untouched
   * @throws IOException when the file cannot be written
   */
  default SwapSpace mkswap(Path file, long sizeBytes, String label, UUID uuid) throws IOException {
    throw new SwapException(
        file.toString(), "the swap provider '" + name() + "' cannot format swap files");
  }
}
