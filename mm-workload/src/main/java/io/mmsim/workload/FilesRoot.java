package io.mmsim.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import io.mmsim.api.swap.SwapAreaInfo;
import io.mmsim.api.swap.SwapSystem;

/**
 * The only files a workload may map: regular files under its files root.
 *
 * <p>A workload is data, and it may come from anyone (a student's submission, a downloaded trace),
 * so {@code file=PATH} is confined the way a chroot confines a path: PATH resolves against the root
 * (an absolute PATH stays absolute), and both the path as written and the file it finally names,
 * symlinks followed, must lie inside the root. A device, a FIFO, a directory, or an active swap
 * area is refused even inside it: reading a FIFO could block, a device has no end, and writing a
 * swap area through a mapping would corrupt swap.
 */
final class FilesRoot {
  private FilesRoot() {}

  /**
   * The real path of the regular file {@code name} names under {@code root}.
   *
   * @throws BadLineException naming the path and the root when the file is outside it or not a
   *     regular file
   */
  static Path resolve(Path root, String name, SwapSystem swap) {
    Path realRoot;
    try {
      realRoot = root.toRealPath();
    } catch (IOException e) {
      throw new BadLineException("mmap: the files root " + root + " cannot be read: " + e);
    }
    Path p;
    try {
      p = root.resolve(name).normalize();
    } catch (InvalidPathException e) {
      throw new BadLineException("mmap: file=" + name + " is not a path");
    }
    if (!p.startsWith(root) && !p.startsWith(realRoot)) {
      throw outside(name, root);
    }
    Path real;
    try {
      real = p.toRealPath();
    } catch (NoSuchFileException e) {
      throw new BadLineException("mmap: cannot open " + name + ": no such file");
    } catch (IOException e) {
      throw new BadLineException("mmap: cannot open " + name + ": " + e.getMessage());
    }
    if (!real.startsWith(realRoot)) {
      throw outside(name, root);
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new BadLineException(
          "mmap: "
              + name
              + " is not a regular file ("
              + (Files.isDirectory(real) ? "a directory" : "a device or a FIFO")
              + "); only regular files can be mapped");
    }
    if (swap != null) {
      for (SwapAreaInfo a : swap.areas()) {
        if (a.file() && Path.of(a.name()).equals(real)) {
          throw new BadLineException("mmap: " + name + " is an active swap area");
        }
      }
    }
    if (!Files.isReadable(real)) {
      throw new BadLineException("mmap: cannot open " + name + ": permission denied");
    }
    return real;
  }

  private static BadLineException outside(String name, Path root) {
    return new BadLineException("mmap: file=" + name + " is outside the files root (" + root + ")");
  }
}
