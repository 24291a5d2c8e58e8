package io.mmsim.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import io.mmsim.api.spi.Provider;

/**
 * Builds real plug-in jars for the tests: compiles Java sources against mm-api with the JDK's
 * compiler and packs the classes, the {@code META-INF/services} files (as {@code @AutoService}
 * would write them) and a manifest with an {@code Implementation-Version}, optionally with a module
 * descriptor.
 */
final class PluginJars {
  private final Path work;
  private final Map<String, String> sources = new LinkedHashMap<>();
  private final Map<String, List<String>> services = new LinkedHashMap<>();
  private String moduleInfo;
  private String version = "1.0";

  private PluginJars(Path work) {
    this.work = work;
  }

  /** A new jar built in {@code work}. */
  static PluginJars in(Path work) {
    return new PluginJars(work);
  }

  /** Adds a class: {@code className} fully qualified, {@code source} its whole file. */
  PluginJars source(String className, String source) {
    sources.put(className, source);
    return this;
  }

  /** Registers {@code impl} for {@code service} in META-INF/services. */
  PluginJars service(Class<?> service, String impl) {
    services.computeIfAbsent(service.getName(), k -> new ArrayList<>()).add(impl);
    return this;
  }

  /** Makes the jar modular with this {@code module-info.java}. */
  PluginJars module(String descriptor) {
    this.moduleInfo = descriptor;
    return this;
  }

  /** The version in the manifest and, for a modular jar, the module version. */
  PluginJars version(String v) {
    this.version = v;
    return this;
  }

  /** Compiles and packs the jar as {@code dir/name}. */
  Path build(Path dir, String name) {
    try {
      Path tag = Files.createTempDirectory(work, "plugin");
      Path src = tag.resolve("src");
      Path classes = Files.createDirectories(tag.resolve("classes"));
      List<String> args = new ArrayList<>();
      args.addAll(List.of("-d", classes.toString(), "--release", "17", "-proc:none"));
      args.addAll(List.of(moduleInfo != null ? "--module-path" : "--class-path", apiJar()));
      if (moduleInfo != null) {
        args.addAll(List.of("--module-version", version));
        args.add(write(src.resolve("module-info.java"), moduleInfo).toString());
      }
      for (Map.Entry<String, String> e : sources.entrySet()) {
        Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
        args.add(write(file, e.getValue()).toString());
      }
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
      int rc =
          javac.run(
              null,
              new PrintStream(diagnostics, true, StandardCharsets.UTF_8),
              new PrintStream(diagnostics, true, StandardCharsets.UTF_8),
              args.toArray(String[]::new));
      if (rc != 0) {
        throw new AssertionError(
            "the test plug-in does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));
      }
      Files.createDirectories(dir);
      Path jar = dir.resolve(name);
      pack(classes, jar);
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void pack(Path classes, Path jar) throws IOException {
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
    try (OutputStream os = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(os, mf);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
      for (Map.Entry<String, List<String>> e : services.entrySet()) {
        out.putNextEntry(new JarEntry("META-INF/services/" + e.getKey()));
        out.write((String.join("\n", e.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
  }

  private static Path write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** mm-api's jar (or classes folder), wherever this run loaded it from. */
  static String apiJar() {
    try {
      return Path.of(Provider.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
