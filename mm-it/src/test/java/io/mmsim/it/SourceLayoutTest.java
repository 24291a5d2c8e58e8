package io.mmsim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Layout rules of the repository's main sources that a reviewer would otherwise check by hand: no
 * file longer than one person can hold in mind (900 lines) unless its header says why one algorithm
 * needs it, and comments that cite only what a reader of the repository can open (kernel source
 * paths, papers), never notes kept outside it.
 */
final class SourceLayoutTest {
  private static final int MAX_LINES = 900;

  /** The phrase a long file's header must carry to be allowed past {@link #MAX_LINES}. */
  private static final String LONG_FILE_REASON = "longer than 900 lines because";

  /** Pointers at notes that are not in the repository. */
  private static final Pattern OUTSIDE_POINTER =
      Pattern.compile(
          "LINUX-FACTS|DESIGN\\.md|INTERFACE\\.md|STYLE\\.md|\\.\\./shared|\\[unverified]"
              + "|\\bissue #?\\d+",
          Pattern.CASE_INSENSITIVE);

  /** Every main source file of the reactor (Surefire runs in mm-it/, the reactor is its parent). */
  private static List<Path> mainSources() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/main/java/"))
          .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void mainSources_areFound() throws IOException {
    assertThat(mainSources())
        .as("main sources of the reactor")
        .anyMatch(p -> p.endsWith(Path.of("io/mmsim/kernel/Kernel.java")))
        .anyMatch(p -> p.endsWith(Path.of("io/mmsim/buddy/BuddyAllocator.java")));
  }

  @Test
  void mainSources_longerThan900Lines_sayWhyInTheirHeader() throws IOException {
    List<String> tooLong =
        mainSources().stream()
            .filter(p -> lines(p).size() > MAX_LINES)
            .filter(p -> lines(p).stream().limit(60).noneMatch(l -> l.contains(LONG_FILE_REASON)))
            .map(p -> p + ": " + lines(p).size() + " lines")
            .collect(Collectors.toList());
    assertThat(tooLong).as("main sources over " + MAX_LINES + " lines").isEmpty();
  }

  @Test
  void mainSources_citeNothingOutsideTheRepository() throws IOException {
    List<String> found =
        mainSources().stream()
            .flatMap(
                p -> {
                  List<String> ls = lines(p);
                  return java.util.stream.IntStream.range(0, ls.size())
                      .filter(i -> OUTSIDE_POINTER.matcher(ls.get(i)).find())
                      .mapToObj(i -> p + ":" + (i + 1) + ": " + ls.get(i).strip());
                })
            .collect(Collectors.toList());
    assertThat(found).as("comments pointing outside the repository").isEmpty();
  }
}
