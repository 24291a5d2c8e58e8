package io.mmsim.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The mm-bom names every published module of the reactor, at the reactor's version, and nothing
 * else: a module added to the build without its BOM entry fails here.
 */
final class BomTest {
  /** Modules of the reactor that publish nothing a user depends on. */
  private static final Set<String> UNPUBLISHED = Set.of("mm-bom", "mm-it", "mm-bench");

  private static String read(String path) throws IOException {
    // Surefire runs in the module's folder, mm-it/
    return Files.readString(Path.of("..").resolve(path));
  }

  private static Set<String> all(Pattern p, String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void bom_listsEveryPublishedModuleOfTheReactor() throws IOException {
    String parent = read("pom.xml");
    String bom = read("mm-bom/pom.xml");

    Set<String> published = all(Pattern.compile("<module>([^<]+)</module>"), parent);
    published.removeIf(m -> UNPUBLISHED.contains(m) || m.startsWith("examples/"));
    Set<String> listed =
        all(
            Pattern.compile(
                "<groupId>io\\.mmsim</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*"
                    + "<version>\\$\\{project\\.version}</version>"),
            bom.substring(bom.indexOf("<dependencyManagement>")));

    assertThat(published).as("published modules").contains("mm-api", "mm-kernel");
    assertThat(listed).as("the artifacts mm-bom names").isEqualTo(published);
  }

  @Test
  void bom_hasTheReactorsVersionAndNoParent() throws IOException {
    String parent = read("pom.xml");
    String bom = read("mm-bom/pom.xml");
    Pattern version =
        Pattern.compile("<artifactId>[^<]+</artifactId>\\s*<version>([^<]+)</version>");

    assertThat(bom).doesNotContain("<parent>");
    assertThat(all(version, bom.substring(0, bom.indexOf("<packaging>"))))
        .isEqualTo(all(version, parent.substring(0, parent.indexOf("<packaging>"))));
    assertThat(List.of(bom.split("\n"))).anyMatch(l -> l.contains("<packaging>pom</packaging>"));
  }
}
