package io.mmsim.workload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mmsim.kernel.Kernel;

/**
 * Random operation sequences against a booted kernel. The fuzzer's bytes choose the machine (object
 * allocator, replacement policy, resident limit, swap) and then up to 48 workload lines drawn from
 * a grammar of every process, mapping, access and allocator operation, over a few pids and handles,
 * so that most lines are well formed and many interact (fork then write, munmap then read).
 *
 * <p>The properties, checked after every line: the buddy allocator's own invariants hold (the
 * kernel runs with {@code buddy.check-invariants=true}); every {@code /proc} view renders;
 * meminfo's {@code MemFree} is the page allocator's free count. A line that fails ends the replay
 * with a {@link WorkloadException} naming that line, and every {@code /proc} view reads as it did
 * before that line ran.
 */
final class OperationsFuzzTest {
  private static final Path ROOT = Path.of("target", "fuzz-root").toAbsolutePath();
  private static final String[] ALLOCATORS = {"slub", "slab", "slob"};
  private static final String[] POLICIES = {"linux", "fifo", "lru", "clock"};
  private static final String[] PROTS = {"rw", "r", "rwx", "r-x", "---", "w"};
  private static final String[] SIZES = {"1", "8", "100", "4096", "5000", "8K", "64K", "1M"};
  private static final String[] LENGTHS = {"4K", "8K", "16K", "64K", "1M"};

  @FuzzTest(maxDuration = "60s")
  void operations(FuzzedDataProvider data) throws IOException {
    Kernel.Builder b =
        Kernel.builder()
            .set("memory.size", "48M")
            .set("buddy.check-invariants", "true")
            .set("object-allocator", data.pickValue(ALLOCATORS))
            .set("reclaim.policy", data.pickValue(POLICIES));
    if (data.consumeBoolean()) {
      b.set("rss.limit", Integer.toString(data.consumeInt(2, 24)));
    }
    if (data.consumeBoolean()) {
      b.set("swap.memory", "2M");
    }
    Kernel kernel = b.boot();
    String text = workload(data);
    Workload w =
        Workload.read(
            "ops.trace", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), ROOT);
    Checker checker = new Checker(kernel, text);
    try {
      w.replay(kernel, checker);
    } catch (WorkloadException refused) {
      if (refused.line() < 1 || !"ops.trace".equals(refused.file())) {
        throw new AssertionError("an error without its place: " + refused, refused);
      }
      Map<String, String> after = snapshot(kernel);
      for (Map.Entry<String, String> e : checker.before.entrySet()) {
        if (!e.getValue().equals(after.get(e.getKey()))) {
          throw new AssertionError(
              "line "
                  + refused.line()
                  + " failed ("
                  + refused.reason()
                  + ") but changed /proc/"
                  + e.getKey()
                  + "\n--- workload\n"
                  + text
                  + "--- before\n"
                  + e.getValue()
                  + "--- after\n"
                  + after.get(e.getKey()));
        }
      }
    }
  }

  /** After each line: the views render and agree; the last good state is kept for a failure. */
  private static final class Checker implements ReplayListener {
    private final Kernel kernel;
    private final String text;
    Map<String, String> before;

    Checker(Kernel kernel, String text) {
      this.kernel = kernel;
      this.text = text;
      this.before = snapshot(kernel);
    }

    @Override
    public void operation(String source, long line, String operation) {
      before = snapshot(kernel);
      long freeKb = kernel.pageAllocator().nrFreePages() * 4;
      String meminfo = before.get("meminfo");
      String want = String.valueOf(freeKb);
      boolean found = false;
      for (String l : meminfo.split("\n")) {
        if (l.startsWith("MemFree:")) {
          found = l.substring("MemFree:".length()).trim().equals(want + " kB");
        }
      }
      if (!found) {
        throw new AssertionError(
            "after line " + line + " (" + operation + ") MemFree is not " + want + " kB\n" + text);
      }
    }
  }

  private static Map<String, String> snapshot(Kernel kernel) {
    Map<String, String> views = new LinkedHashMap<>();
    for (String name : kernel.procNames()) {
      views.put(name, kernel.proc(name));
    }
    return views;
  }

  /** Up to 48 lines of a grammar over pids 1-3, mapping handles m0-m3 and object handles o0-o3. */
  private static String workload(FuzzedDataProvider data) {
    StringBuilder s = new StringBuilder("spawn 1\n");
    int n = data.consumeInt(1, 48);
    for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
      int pid = data.consumeInt(1, 3);
      String m = "m" + data.consumeInt(0, 3);
      String o = "o" + data.consumeInt(0, 3);
      switch (data.consumeInt(0, 19)) {
        case 0 -> s.append("spawn ").append(pid).append('\n');
        case 1 ->
            s.append("fork ").append(pid).append(' ').append(data.consumeInt(1, 3)).append('\n');
        case 2 -> s.append("exit ").append(pid).append('\n');
        case 3 ->
            s.append("mmap ")
                .append(pid)
                .append(' ')
                .append(m)
                .append(' ')
                .append(data.pickValue(LENGTHS))
                .append(' ')
                .append(data.pickValue(PROTS))
                .append(data.consumeBoolean() ? " shared" : "")
                .append(data.consumeBoolean() ? " populate" : "")
                .append('\n');
        case 4 -> s.append("munmap ").append(pid).append(' ').append(m).append('\n');
        case 5 ->
            s.append("mprotect ")
                .append(pid)
                .append(' ')
                .append(m)
                .append(' ')
                .append(data.pickValue(PROTS))
                .append('\n');
        case 6, 7 ->
            s.append("write ")
                .append(pid)
                .append(' ')
                .append(m)
                .append('+')
                .append(data.consumeInt(0, 70_000))
                .append(" \"w")
                .append(i)
                .append("\"\n");
        case 8 ->
            s.append("read ")
                .append(pid)
                .append(' ')
                .append(m)
                .append('+')
                .append(data.consumeInt(0, 70_000))
                .append(' ')
                .append(data.consumeInt(1, 64))
                .append('\n');
        case 9 ->
            s.append("verify ")
                .append(pid)
                .append(' ')
                .append(m)
                .append("+0 \"w")
                .append(data.consumeInt(0, 48))
                .append("\"\n");
        case 10 ->
            s.append("brk ").append(pid).append(' ').append(data.pickValue(SIZES)).append('\n');
        case 11 ->
            s.append("kmalloc ").append(o).append(' ').append(data.pickValue(SIZES)).append('\n');
        case 12 -> s.append("kfree ").append(o).append('\n');
        case 13 ->
            s.append("vmalloc v").append(o).append(' ').append(data.pickValue(SIZES)).append('\n');
        case 14 -> s.append("vfree v").append(o).append('\n');
        case 15 ->
            s.append("alloc_pages p")
                .append(o)
                .append(' ')
                .append(data.consumeInt(0, 11))
                .append('\n');
        case 16 -> s.append("free_pages p").append(o).append('\n');
        case 17 -> s.append("cpu ").append(data.consumeInt(0, 2)).append('\n');
        case 18 -> s.append("drain\n");
        default -> s.append("exec ").append(pid).append(' ').append(m).append("+0\n");
      }
    }
    return s.toString();
  }
}
