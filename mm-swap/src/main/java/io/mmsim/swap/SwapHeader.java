package io.mmsim.swap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.UUID;

import io.mmsim.api.swap.SwapException;
import io.mmsim.api.swap.SwapSpace;

/**
 * The Linux swap-area header (version 1, the {@code SWAPSPACE2} format): page 0 of every swap file
 * or partition, as {@code mkswap} writes it and {@code swapon} reads it.
 *
 * <pre>
 * offset  size  field (u32 fields little-endian, or all byte-swapped: see below)
 *      0  1024  bootbits     zeroed by mkswap (room for a disk label / boot block)
 *   1024     4  version      must be 1
 *   1028     4  last_page    index of the last usable page = pages - 1
 *   1032     4  nr_badpages  entries used in badpages[]
 *   1036    16  uuid         RFC 4122 byte order (what blkid prints)
 *   1052    16  volume label NUL-terminated; mkswap keeps at most 15 bytes
 *   1068   468  padding      117 x u32
 *   1536  2548  badpages[]   u32 page numbers, at most MAX_SWAP_BADPAGES = 637
 *   4086    10  magic        "SWAPSPACE2"
 * </pre>
 *
 * <h2>Parsing</h2>
 *
 * {@link #parse(byte[], long)} applies the checks of {@code read_swap_header} and {@code
 * setup_swap_map_and_extents} in {@code mm/swapfile.c}, in the kernel's order, and throws {@link
 * SwapException} with the kernel's wording:
 *
 * <ol>
 *   <li>no {@code SWAPSPACE2} at 4086 (including the old v0 magic {@code SWAP-SPACE} and pages
 *       shorter than 4096 bytes): {@code Unable to find swap-space signature};
 *   <li>the kernel's "swap partition endianness hack": when the version field read byte-swapped is
 *       1, the header was written on a machine of the other endianness, and the kernel byte-swaps
 *       version, last_page, nr_badpages and each bad-page entry before going on (UUID and label are
 *       byte strings and stay as they are). A byte-swapped header listing more than 637 bad pages
 *       is refused before the swap. {@link #byteSwapped()} tells which case applied;
 *   <li>version other than 1: {@code Unable to handle swap header version %d};
 *   <li>last_page 0: {@code Empty swap-file};
 *   <li>more pages than the device holds: {@code Swap area shorter than signature indicates};
 *   <li>more than 637 bad pages (the kernel logs nothing and fails with EINVAL; the message here is
 *       mmsim's);
 *   <li>a bad page numbered 0 or beyond last_page (EINVAL, no kernel message; mmsim's wording);
 *   <li>no good page left: {@code Empty swap-file}.
 * </ol>
 *
 * One deliberate difference: the kernel refuses a bad-page list on a <em>regular file</em> ({@code
 * nr_badpages && S_ISREG}, EINVAL), because only partitions get bad-block checks. mmsim's swap
 * files stand for devices, so it honours the list and marks those slots bad. Bad pages listed twice
 * are counted once (the kernel subtracts per entry).
 *
 * <h2>Writing</h2>
 *
 * {@link #create} and {@link #toBytes()} produce what util-linux {@code mkswap} writes: a zeroed
 * page with version 1, last_page, the UUID, the label and the signature; {@link #mkswap} writes it
 * to a file of the requested size. {@code file} and {@code blkid} recognise the result as Linux
 * swap.
 *
 * <p>Instances are immutable values.
 */
final class SwapHeader {
  /** Size of the header page (and of every swap slot). */
  static final int PAGE_SIZE = 4096;

  /** Offset of the version field. */
  static final int VERSION_OFFSET = 1024;

  /** Offset of last_page. */
  static final int LAST_PAGE_OFFSET = 1028;

  /** Offset of nr_badpages. */
  static final int NR_BADPAGES_OFFSET = 1032;

  /** Offset of the 16-byte UUID. */
  static final int UUID_OFFSET = 1036;

  /** Offset of the 16-byte volume label. */
  static final int LABEL_OFFSET = 1052;

  /** Offset of the bad-page list. */
  static final int BADPAGES_OFFSET = 1536;

  /** Offset of the 10-byte magic ({@code PAGE_SIZE - 10}). */
  static final int MAGIC_OFFSET = PAGE_SIZE - 10;

  /** Length of the UUID field. */
  static final int UUID_LENGTH = 16;

  /** Length of the label field. */
  static final int LABEL_LENGTH = 16;

  /** Bytes of label mkswap keeps (the 16th is the terminating NUL). */
  static final int LABEL_MAX_BYTES = LABEL_LENGTH - 1;

  /** Most bad pages the header can list ({@code MAX_SWAP_BADPAGES}). */
  static final int MAX_SWAP_BADPAGES = (MAGIC_OFFSET - BADPAGES_OFFSET) / Integer.BYTES;

  /** The only version the kernel accepts. */
  static final int VERSION = 1;

  /** The version-1 signature. */
  static final String MAGIC = "SWAPSPACE2";

  /** The version-0 signature, refused by every kernel since 2.5. */
  static final String OLD_MAGIC = "SWAP-SPACE";

  /** Smallest area mkswap makes, in pages ({@code MIN_GOODPAGES}). */
  static final int MIN_PAGES = 10;

  /** Largest last_page the 32-bit field can hold. */
  static final long MAX_LAST_PAGE = 0xffff_ffffL;

  private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);

  private final long lastPage;
  private final int[] badPages;
  private final UUID uuid;
  private final String label;
  private final boolean byteSwapped;

  private SwapHeader(long lastPage, int[] badPages, UUID uuid, String label, boolean byteSwapped) {
    this.lastPage = lastPage;
    this.badPages = badPages;
    this.uuid = uuid;
    this.label = label;
    this.byteSwapped = byteSwapped;
  }

  // ---------------------------------------------------------------- creation (mkswap)

  /**
   * A header as mkswap makes it for an area of {@code pages} pages, with no bad pages.
   *
   * @param pages pages in the area, header included ({@value #MIN_PAGES} to 2^32)
   * @param label the volume label, or {@code null}/empty for none; at most 15 bytes of UTF-8
   * @param uuid the UUID; mkswap uses a random one
   * @throws IllegalArgumentException when the area is too small or too large, or the label too long
   */
  static SwapHeader create(long pages, String label, UUID uuid) {
    return create(pages, label, uuid, new int[0]);
  }

  /**
   * A header for an area of {@code pages} pages listing {@code badPages} (what {@code mkswap -c}
   * writes after a bad-block check).
   *
   * @throws IllegalArgumentException when the area is too small or too large, or a bad page is 0,
   *     beyond the last page, or there are more than {@value #MAX_SWAP_BADPAGES}
   */
  static SwapHeader create(long pages, String label, UUID uuid, int[] badPages) {
    if (pages < MIN_PAGES) {
      throw new IllegalArgumentException(
          "swap area needs to be at least " + (MIN_PAGES * PAGE_SIZE / 1024) + " KiB");
    }
    if (pages - 1 > MAX_LAST_PAGE) {
      throw new IllegalArgumentException(
          "swap area of "
              + pages
              + " pages is too large: the"
              + " header holds at most "
              + (MAX_LAST_PAGE + 1)
              + " pages");
    }
    if (uuid == null) {
      throw new IllegalArgumentException("a swap header needs a UUID");
    }
    if (badPages.length > MAX_SWAP_BADPAGES) {
      throw new IllegalArgumentException(
          "too many bad pages: " + badPages.length + " (at most " + MAX_SWAP_BADPAGES + ")");
    }
    for (int b : badPages) {
      long page = Integer.toUnsignedLong(b);
      if (page == 0 || page > pages - 1) {
        throw new IllegalArgumentException("bad page " + page + " outside 1.." + (pages - 1));
      }
    }
    return new SwapHeader(pages - 1, badPages.clone(), uuid, checkLabel(label), false);
  }

  /**
   * Writes a new swap area to {@code file} as {@code mkswap} does: the file is created (mode 0600
   * where the file system supports POSIX permissions) or truncated, sized to {@code sizeBytes}
   * (sparse), and its first page holds the header. Whole pages only: a tail of less than a page is
   * not part of the area.
   *
   * @return the header written
   * @throws IllegalArgumentException when the size is below {@value #MIN_PAGES} pages
   * @throws IOException when the file cannot be written
   */
  static SwapHeader mkswap(Path file, long sizeBytes, String label, UUID uuid) throws IOException {
    SwapHeader h = create(sizeBytes / PAGE_SIZE, label, uuid);
    if (!Files.exists(file)
        && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        && file.getFileSystem() == FileSystems.getDefault()) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer page = ByteBuffer.wrap(h.toBytes());
      while (page.hasRemaining()) {
        ch.write(page, page.position());
      }
      if (sizeBytes > PAGE_SIZE) {
        // extend to the full size without writing: the file stays sparse
        ch.write(ByteBuffer.wrap(new byte[1]), sizeBytes - 1);
      }
    }
    return h;
  }

  /**
   * The label as stored. util-linux mkswap cuts a longer label to 15 bytes and warns ("Label was
   * truncated"); mmsim refuses it instead, so that the label written is the label asked for.
   */
  private static String checkLabel(String label) {
    if (label == null || label.isEmpty()) {
      return "";
    }
    int bytes = label.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > LABEL_MAX_BYTES) {
      throw new IllegalArgumentException(
          "the label '"
              + label
              + "' is "
              + bytes
              + " bytes of UTF-8; a swap header holds at most "
              + LABEL_MAX_BYTES);
    }
    return label;
  }

  // ---------------------------------------------------------------- parsing (swapon)

  /**
   * Reads and checks the header of the swap file {@code file}, as swapon does.
   *
   * @return the header
   * @throws SwapException naming the file when the header is refused
   * @throws IOException when the file cannot be read
   */
  static SwapHeader read(Path file) throws IOException {
    byte[] page = new byte[PAGE_SIZE];
    long size;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      size = ch.size();
      ByteBuffer buf = ByteBuffer.wrap(page);
      while (buf.hasRemaining()) {
        if (ch.read(buf, buf.position()) < 0) {
          break; // a file shorter than a page reads as zeros past its end, as the page cache does
        }
      }
    }
    try {
      return parse(page, size);
    } catch (SwapException e) {
      throw new SwapException(file.toString(), e.kernelMessage(), e.getCause());
    }
  }

  /**
   * Checks a header page against a device of {@code deviceBytes} bytes.
   *
   * @param page the first page of the area; bytes past its end count as zeros
   * @param deviceBytes the size of the file or device, or 0 when unknown (the size check is then
   *     skipped, as the kernel does for a device reporting size 0)
   * @return the header
   * @throws SwapException with the kernel's wording when the header is refused
   */
  static SwapHeader parse(byte[] page, long deviceBytes) {
    byte[] p = page.length >= PAGE_SIZE ? page : Arrays.copyOf(page, PAGE_SIZE);
    if (!Arrays.equals(
        p, MAGIC_OFFSET, MAGIC_OFFSET + MAGIC_BYTES.length, MAGIC_BYTES, 0, MAGIC_BYTES.length)) {
      throw new SwapException(null, "Unable to find swap-space signature");
    }
    ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
    int version = b.getInt(VERSION_OFFSET);
    boolean swapped = false;
    if (Integer.reverseBytes(version) == VERSION) {
      // written on a machine of the other endianness: read the u32 fields the other way round
      b.order(ByteOrder.BIG_ENDIAN);
      swapped = true;
      version = b.getInt(VERSION_OFFSET);
      long nrBad = Integer.toUnsignedLong(b.getInt(NR_BADPAGES_OFFSET));
      if (nrBad > MAX_SWAP_BADPAGES) {
        throw tooManyBadPages(nrBad);
      }
    }
    if (version != VERSION) {
      throw new SwapException(null, "Unable to handle swap header version " + version);
    }
    long lastPage = Integer.toUnsignedLong(b.getInt(LAST_PAGE_OFFSET));
    if (lastPage == 0) {
      throw new SwapException(null, "Empty swap-file");
    }
    // maxpages is an unsigned int in the kernel: last_page 0xffffffff gives UINT_MAX, not 2^32
    long maxPages = Math.min(lastPage + 1, MAX_LAST_PAGE);
    long devicePages = deviceBytes / PAGE_SIZE;
    if (devicePages != 0 && maxPages > devicePages) {
      throw new SwapException(null, "Swap area shorter than signature indicates");
    }
    long nrBad = Integer.toUnsignedLong(b.getInt(NR_BADPAGES_OFFSET));
    if (nrBad > MAX_SWAP_BADPAGES) {
      throw tooManyBadPages(nrBad);
    }
    int[] bad = new int[(int) nrBad];
    for (int i = 0; i < bad.length; i++) {
      bad[i] = b.getInt(BADPAGES_OFFSET + i * Integer.BYTES);
      long pageNr = Integer.toUnsignedLong(bad[i]);
      if (pageNr == 0 || pageNr > lastPage) {
        throw new SwapException(
            null,
            "bad page "
                + pageNr
                + " in the swap header is outside"
                + " 1.."
                + lastPage
                + " (the kernel refuses this with EINVAL)");
      }
    }
    long distinctBad = Arrays.stream(bad).distinct().count();
    if (maxPages - 1 - distinctBad == 0) {
      throw new SwapException(null, "Empty swap-file");
    }
    byte[] uuidBytes = Arrays.copyOfRange(p, UUID_OFFSET, UUID_OFFSET + UUID_LENGTH);
    ByteBuffer ub = ByteBuffer.wrap(uuidBytes); // RFC 4122 byte order is big-endian
    UUID uuid = new UUID(ub.getLong(), ub.getLong());
    int labelLen = 0;
    while (labelLen < LABEL_LENGTH && p[LABEL_OFFSET + labelLen] != 0) {
      labelLen++;
    }
    String label = new String(p, LABEL_OFFSET, labelLen, StandardCharsets.UTF_8);
    return new SwapHeader(lastPage, bad, uuid, label, swapped);
  }

  private static SwapException tooManyBadPages(long nrBad) {
    return new SwapException(
        null,
        "swap header lists "
            + nrBad
            + " bad pages, more than"
            + " MAX_SWAP_BADPAGES ("
            + MAX_SWAP_BADPAGES
            + "); the kernel refuses this with EINVAL");
  }

  // ---------------------------------------------------------------- output

  /** The header page as mkswap writes it on a little-endian machine (x86-64). */
  byte[] toBytes() {
    return toBytes(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * The header page with its u32 fields in {@code order}; big-endian gives what mkswap writes on a
   * big-endian machine, which the kernel accepts through its byte-swap path.
   */
  byte[] toBytes(ByteOrder order) {
    byte[] p = new byte[PAGE_SIZE];
    ByteBuffer b = ByteBuffer.wrap(p).order(order);
    b.putInt(VERSION_OFFSET, VERSION);
    b.putInt(LAST_PAGE_OFFSET, (int) lastPage);
    b.putInt(NR_BADPAGES_OFFSET, badPages.length);
    ByteBuffer ub = ByteBuffer.wrap(p, UUID_OFFSET, UUID_LENGTH).order(ByteOrder.BIG_ENDIAN);
    ub.putLong(uuid.getMostSignificantBits());
    ub.putLong(uuid.getLeastSignificantBits());
    byte[] l = label.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(l, 0, p, LABEL_OFFSET, l.length);
    for (int i = 0; i < badPages.length; i++) {
      b.putInt(BADPAGES_OFFSET + i * Integer.BYTES, badPages[i]);
    }
    System.arraycopy(MAGIC_BYTES, 0, p, MAGIC_OFFSET, MAGIC_BYTES.length);
    return p;
  }

  // ---------------------------------------------------------------- accessors

  /** Always 1. */
  int version() {
    return VERSION;
  }

  /** Index of the last page of the area ({@code last_page}). */
  long lastPage() {
    return lastPage;
  }

  /** Pages in the area, the header page included ({@code maxpages} = last_page + 1). */
  long pages() {
    return lastPage + 1;
  }

  /** Pages usable for swapping: all but the header and the distinct bad pages. */
  long goodPages() {
    return lastPage - Arrays.stream(badPages).distinct().count();
  }

  /** The bad pages listed (a copy; values are unsigned 32-bit page numbers). */
  int[] badPages() {
    return badPages.clone();
  }

  /** Number of bad-page entries ({@code nr_badpages}). */
  int nrBadPages() {
    return badPages.length;
  }

  /** The area's UUID. */
  UUID uuid() {
    return uuid;
  }

  /** The volume label, empty when none. */
  String label() {
    return label;
  }

  /** True when the header was written with the other byte order and swapped while parsing. */
  boolean byteSwapped() {
    return byteSwapped;
  }

  /** What mkswap reports and blkid identifies: sizes, label and UUID. */
  SwapSpace space() {
    return new SwapSpace(pages(), goodPages(), label, uuid);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SwapHeader h
        && h.lastPage == lastPage
        && Arrays.equals(h.badPages, badPages)
        && h.uuid.equals(uuid)
        && h.label.equals(label)
        && h.byteSwapped == byteSwapped;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(lastPage) * 31 + uuid.hashCode();
  }

  @Override
  public String toString() {
    return "SwapHeader[version 1, last_page "
        + lastPage
        + ", "
        + badPages.length
        + " bad pages, "
        + (label.isEmpty() ? "no label" : "LABEL=" + label)
        + ", UUID="
        + uuid
        + (byteSwapped ? ", byte-swapped" : "")
        + "]";
  }
}
