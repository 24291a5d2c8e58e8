package io.mmsim.swap;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A swap file: slot {@code s} is the 4 KiB at byte {@code s * 4096}, through a FileChannel. */
final class FileDevice implements SwapDevice {
  private final Path path;
  private final String name;
  private final FileChannel channel;

  private FileDevice(Path path, String name, FileChannel channel) {
    this.path = path;
    this.name = name;
    this.channel = channel;
  }

  /** Opens {@code path} (its real path) for reading and writing. */
  static FileDevice open(Path realPath) throws IOException {
    FileChannel ch = FileChannel.open(realPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new FileDevice(realPath, realPath.toString(), ch);
  }

  Path path() {
    return path;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean isFile() {
    return true;
  }

  @Override
  public void read(long slot, byte[] buf) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(buf, 0, SwapHeader.PAGE_SIZE);
    long at = slot * SwapHeader.PAGE_SIZE;
    while (b.hasRemaining()) {
      int n = channel.read(b, at + b.position());
      if (n < 0) {
        throw new EOFException(name + ": slot " + slot + " lies beyond the end of the file");
      }
    }
  }

  @Override
  public void write(long slot, byte[] buf) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(buf, 0, SwapHeader.PAGE_SIZE);
    long at = slot * SwapHeader.PAGE_SIZE;
    while (b.hasRemaining()) {
      channel.write(b, at + b.position());
    }
  }

  @Override
  public void discard(long slot) {
    // a file keeps stale data in free slots, as a disk does without discard
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": close failed", e);
    }
  }
}
