package io.mmsim.api.fault;

/** The file behind a file-backed mapping: page-sized reads and write-backs. */
public interface FileBacking {

  /** The path as /proc/PID/maps shows it. */
  String path();

  /** The inode number, as /proc/PID/maps shows it. */
  long inode();

  /** Device number (major &lt;&lt; 8 | minor) as /proc/PID/maps shows it. */
  int device();

  /**
   * Reads the page at byte {@code offset} of the file into {@code dst[0..4096)}; bytes past the end
   * of the file read as zeros.
   *
   * @return false when the offset lies wholly beyond the end of the file (the access gets SIGBUS)
   */
  boolean readPage(long offset, byte[] dst);

  /** Writes {@code src[0..4096)} back at byte {@code offset}, not past the file's end. */
  void writePage(long offset, byte[] src);

  /**
   * True for a shmem (tmpfs) object, such as the one behind a {@code MAP_SHARED|MAP_ANONYMOUS}
   * area: a page not yet cached is created zeroed in memory rather than read, so the fault is
   * minor. Default false.
   *
   * @since 1.0
   */
  default boolean shmem() {
    return false;
  }
}
