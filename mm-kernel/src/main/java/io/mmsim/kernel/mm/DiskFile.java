package io.mmsim.kernel.mm;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import io.mmsim.api.fault.FileBacking;
import io.mmsim.api.mem.Page;

/**
 * A file on disk behind a file mapping. Reads past the end of the file give zeros; write-back never
 * extends the file, as the kernel's write-back of a mapping does not. Pages written back go to the
 * kernel's {@link DiskFiles} overlay, which later reads see first, and to the host file only when
 * write-back to the host is enabled.
 */
final class DiskFile implements FileBacking {
  private final Path path;
  private final DiskFiles disk;
  private final long inode;
  private final int device;
  private long lastSize;

  DiskFile(Path path, DiskFiles disk) {
    this.path = path.toAbsolutePath().normalize();
    this.disk = disk;
    long ino = 0;
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      Object key = a.fileKey();
      if (key != null) {
        String k = key.toString();
        int at = k.indexOf("ino=");
        if (at >= 0) {
          int end = k.indexOf(')', at);
          ino = Long.parseLong(k.substring(at + 4, end < 0 ? k.length() : end));
        }
      }
    } catch (IOException | NumberFormatException e) {
      ino = 0;
    }
    this.inode = ino;
    this.device = 0x0801;
    size();
  }

  @Override
  public String path() {
    return path.toString();
  }

  @Override
  public long inode() {
    return inode;
  }

  @Override
  public int device() {
    return device;
  }

  /** The file's size now; the last size seen when the host file can no longer be read. */
  long size() {
    try {
      if (Files.isRegularFile(path)) {
        lastSize = Files.size(path);
      }
    } catch (IOException e) {
      // removed or replaced on the host: the kernel still holds the inode it mapped
    }
    return lastSize;
  }

  @Override
  public boolean readPage(long offset, byte[] dst) {
    long len = size();
    if (offset >= len) {
      return false;
    }
    byte[] written = disk.writtenPage(path, offset);
    if (written != null) {
      System.arraycopy(written, 0, dst, 0, Page.PAGE_SIZE);
      return true;
    }
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "r")) {
      java.util.Arrays.fill(dst, 0, Page.PAGE_SIZE, (byte) 0);
      f.seek(offset);
      int n = (int) Math.min(Page.PAGE_SIZE, len - offset);
      f.readFully(dst, 0, n);
      return true;
    } catch (IOException e) {
      // an I/O error on a page read: filemap_fault answers VM_FAULT_SIGBUS
      return false;
    }
  }

  @Override
  public void writePage(long offset, byte[] src) {
    long len = size();
    if (offset >= len) {
      return;
    }
    int n = (int) Math.min(Page.PAGE_SIZE, len - offset);
    disk.keep(path, offset, src, n);
    if (!disk.writeBack()) {
      return;
    }
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
      f.seek(offset);
      f.write(src, 0, n);
      disk.countHostWrite();
    } catch (IOException e) {
      // the unmap goes on: the error is the file's (mapping_set_error), the bytes stay in the
      // overlay
      disk.hostWriteFailed(path, offset, String.valueOf(e.getMessage()));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DiskFile d && d.path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }
}
