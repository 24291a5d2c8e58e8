package io.mmsim.report.exercise;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mmsim.kernel.Kernel;
import io.mmsim.kernel.stat.VmEvent;
import io.mmsim.workload.Replay;
import io.mmsim.workload.ReplayListener;
import io.mmsim.workload.Workload;

/**
 * A real kernel booted for one exercise, fed workload lines one at a time through {@link Replay},
 * so that the solution can look at the kernel between the lines. The lines are those the problem
 * prints: a student can replay them with {@code mm run}.
 */
final class Machine {
  private final Kernel kernel;
  private final Replay replay;
  private final List<String> said = new ArrayList<>();
  private int lines;

  Machine(String... keyValues) {
    Kernel.Builder b = Kernel.builder();
    for (String kv : keyValues) {
      b.set(kv);
    }
    this.kernel = b.boot();
    this.replay =
        new Replay(
            kernel,
            new ReplayListener() {
              @Override
              public void output(String text) {
                said.add(text);
              }

              @Override
              public void event(String text) {
                said.add(text);
              }
            });
  }

  Kernel kernel() {
    return kernel;
  }

  /** Runs one workload line; returns what it printed (signals, OOM kills, read output). */
  List<String> run(String line) {
    said.clear();
    lines++;
    byte[] text = (line + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      replay.run(
          Workload.read(
              "step" + lines, new ByteArrayInputStream(text), Path.of("").toAbsolutePath()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(said);
  }

  long event(VmEvent e) {
    return kernel.events().get(e);
  }

  /** The root page-table frame (CR3) of a live process. */
  long root(int pid) {
    return kernel.processes().task(pid).pgd();
  }
}
