package io.mmsim.kernel.plugin;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mmsim.api.ConfigurationException;

/**
 * The plug-in path: jars, or folders of jars, that hold providers mmsim was not started with, and
 * the module layer and class loader that make them visible to discovery.
 *
 * <h2>Where each jar goes</h2>
 *
 * A folder stands for the {@code *.jar} files directly inside it, in name order. Then:
 *
 * <ul>
 *   <li>A <b>modular jar</b> (one with a {@code module-info.class}) becomes a module of a new
 *       {@link ModuleLayer} whose parent is the layer mmsim itself runs in, so that its {@code
 *       provides} clauses are seen by {@link java.util.ServiceLoader#load(ModuleLayer, Class)}. Its
 *       {@code requires} must be met by that parent layer (mmsim's own modules) or by other modular
 *       jars of the plug-in path.
 *   <li>A <b>plain jar</b> goes on one {@link URLClassLoader} whose parent is mmsim's class loader,
 *       so that its {@code META-INF/services} files are seen by {@link
 *       java.util.ServiceLoader#load(Class, ClassLoader)}.
 *   <li>When mmsim itself runs on the class path (its modules are unnamed), there is no layer to
 *       extend, and every jar goes on the class loader: a modular plug-in is then found through its
 *       {@code META-INF/services} files, which {@code @AutoService} writes.
 * </ul>
 *
 * <p>Loading the path only opens jars and defines the layer; no plug-in class is initialised until
 * discovery instantiates its provider. A path is built once and may serve any number of kernels,
 * from any number of threads (it is immutable).
 *
 * <h2>Errors</h2>
 *
 * A missing path, a file that is not a jar, a jar that cannot be read, a module descriptor that
 * does not parse, a modular plug-in whose {@code requires} cannot be met, two plug-ins with one
 * module name, or a plug-in module with the name of one mmsim already has: each is a {@link
 * ConfigurationException} (key {@value #KEY}) that names the jar, thrown before anything is loaded.
 */
public final class PluginPath {
  private static final Logger LOG = LoggerFactory.getLogger(PluginPath.class);

  /** The key {@link ConfigurationException}s about plug-ins carry. */
  public static final String KEY = "plugins";

  private static final String SERVICES = "META-INF/services/";

  private static final PluginPath NONE =
      new PluginPath(List.of(), List.of(), List.of(), null, null, Map.of());

  private final List<Path> entries;
  private final List<Path> modularJars;
  private final List<Path> plainJars;
  private final ModuleLayer layer;
  private final URLClassLoader loader;
  private final Map<String, Path> declaredBy;

  private PluginPath(
      List<Path> entries,
      List<Path> modularJars,
      List<Path> plainJars,
      ModuleLayer layer,
      URLClassLoader loader,
      Map<String, Path> declaredBy) {
    this.entries = entries;
    this.modularJars = modularJars;
    this.plainJars = plainJars;
    this.layer = layer;
    this.loader = loader;
    this.declaredBy = declaredBy;
  }

  /** The empty plug-in path: discovery sees only what mmsim was started with. */
  public static PluginPath none() {
    return NONE;
  }

  /**
   * Splits a path list at the platform's separator ({@code :} on Linux and macOS, {@code ;} on
   * Windows, like {@code CLASSPATH}); empty elements are skipped.
   */
  public static List<Path> split(String pathList) {
    List<Path> out = new ArrayList<>();
    if (pathList == null) {
      return out;
    }
    for (String s : pathList.split(java.util.regex.Pattern.quote(File.pathSeparator), -1)) {
      if (!s.isBlank()) {
        out.add(Path.of(s.strip()));
      }
    }
    return out;
  }

  /**
   * Opens the jars of {@code entries} (each a jar or a folder of jars) and builds the module layer
   * and class loader that discovery searches.
   *
   * @throws ConfigurationException naming the first entry or jar that cannot be used
   */
  public static PluginPath of(List<Path> entries) {
    if (entries.isEmpty()) {
      return NONE;
    }
    boolean layered = PluginPath.class.getModule().isNamed();
    List<Path> modular = new ArrayList<>();
    List<Path> plain = new ArrayList<>();
    Map<String, Path> declaredBy = new LinkedHashMap<>();
    Set<Path> seen = new LinkedHashSet<>();
    for (Path entry : entries) {
      for (Path jar : jarsOf(entry)) {
        Path real = realPath(jar);
        if (!seen.add(real)) {
          continue; // the same jar twice (a jar and its folder): once is enough
        }
        boolean isModular = inspect(jar, declaredBy);
        (isModular && layered ? modular : plain).add(jar);
      }
    }
    ModuleLayer layer = modular.isEmpty() ? null : defineLayer(modular, declaredBy);
    URLClassLoader loader = plain.isEmpty() ? null : classLoader(plain);
    LOG.debug(
        "plug-in path {}: modules {}, class path {}, providers declared {}",
        entries,
        modular,
        plain,
        declaredBy.keySet());
    return new PluginPath(
        List.copyOf(entries),
        List.copyOf(modular),
        List.copyOf(plain),
        layer,
        loader,
        Collections.unmodifiableMap(declaredBy));
  }

  // ------------------------------------------------------------------ what it holds

  /** The entries as given (jars and folders). */
  public List<Path> entries() {
    return entries;
  }

  /** Every jar found, modular ones first, each once. */
  public List<Path> jars() {
    List<Path> all = new ArrayList<>(modularJars);
    all.addAll(plainJars);
    return List.copyOf(all);
  }

  /** True when there is no plug-in at all. */
  public boolean isEmpty() {
    return modularJars.isEmpty() && plainJars.isEmpty();
  }

  /** The module layer of the modular plug-ins, if there are any (and mmsim runs as modules). */
  public Optional<ModuleLayer> layer() {
    return Optional.ofNullable(layer);
  }

  /** The class loader of the plain plug-in jars, if there are any. */
  public Optional<ClassLoader> classLoader() {
    return Optional.ofNullable(loader);
  }

  /**
   * The plug-in jar that declares {@code className} as a provider (in {@code META-INF/services} or
   * a {@code provides} clause), if one does.
   */
  public Optional<Path> declaringJar(String className) {
    return Optional.ofNullable(declaredBy.get(className));
  }

  /** Every provider class name some plug-in jar declares, with that jar. */
  public Map<String, Path> declaredProviders() {
    return declaredBy;
  }

  /**
   * The path for messages: each entry, a folder with the jars found in it, or {@code none}.
   *
   * <pre>
   * plugins/my-parts-1.0.jar, extra (2 jars: a.jar, b.jar)
   * </pre>
   */
  public String describe() {
    if (entries.isEmpty()) {
      return "none";
    }
    List<Path> jars = jars();
    StringBuilder sb = new StringBuilder();
    for (Path e : entries) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(e);
      if (Files.isDirectory(e)) {
        List<String> inside = new ArrayList<>();
        for (Path j : jars) {
          if (e.equals(j.getParent())) {
            inside.add(j.getFileName().toString());
          }
        }
        sb.append(
                inside.isEmpty()
                    ? " (a folder with no jar)"
                    : " (" + inside.size() + (inside.size() == 1 ? " jar: " : " jars: "))
            .append(inside.isEmpty() ? "" : String.join(", ", inside) + ")");
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "PluginPath[" + describe() + "]";
  }

  // ------------------------------------------------------------------ loading

  private static List<Path> jarsOf(Path entry) {
    if (Files.isDirectory(entry)) {
      List<Path> jars = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(entry)) {
        for (Path p : ds) {
          if (Files.isRegularFile(p)
              && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar")) {
            jars.add(p);
          }
        }
      } catch (IOException e) {
        throw error("plug-in folder " + entry + " cannot be read: " + reason(e), e);
      }
      jars.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
      return jars;
    }
    if (!Files.exists(entry)) {
      throw error("plug-in path " + entry + ": no such file or folder", null);
    }
    if (!Files.isRegularFile(entry) || !Files.isReadable(entry)) {
      throw error("plug-in path " + entry + " cannot be read", null);
    }
    return List.of(entry);
  }

  private static Path realPath(Path jar) {
    try {
      return jar.toRealPath();
    } catch (IOException e) {
      throw error("plug-in jar " + jar + " cannot be read: " + reason(e), e);
    }
  }

  /**
   * Opens {@code jar}, records the provider classes it declares in {@code META-INF/services}, and
   * tells whether it is modular.
   */
  private static boolean inspect(Path jar, Map<String, Path> declaredBy) {
    try (JarFile jf = new JarFile(jar.toFile(), true, ZipFile.OPEN_READ, Runtime.version())) {
      boolean modular = jf.getJarEntry("module-info.class") != null;
      Enumeration<JarEntry> all = jf.entries();
      while (all.hasMoreElements()) {
        JarEntry e = all.nextElement();
        String name = e.getName();
        if (name.startsWith(SERVICES) && !e.isDirectory() && name.length() > SERVICES.length()) {
          try (InputStream in = jf.getInputStream(e)) {
            for (String cn : providerNames(in)) {
              declaredBy.putIfAbsent(cn, jar);
            }
          }
        }
      }
      return modular;
    } catch (IOException | SecurityException e) {
      throw error("plug-in " + jar + " is not a readable jar: " + reason(e), e);
    }
  }

  /** The class names in a provider-configuration file: one a line, {@code #} starts a comment. */
  private static List<String> providerNames(InputStream in) throws IOException {
    List<String> names = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      int hash = line.indexOf('#');
      String cn = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (!cn.isEmpty()) {
        names.add(cn);
      }
    }
    return names;
  }

  private static ModuleLayer defineLayer(List<Path> jars, Map<String, Path> declaredBy) {
    ModuleLayer parent = PluginPath.class.getModule().getLayer();
    if (parent == null) {
      parent = ModuleLayer.boot();
    }
    Map<String, Path> jarOfModule = new LinkedHashMap<>();
    for (Path jar : jars) {
      ModuleReference ref;
      try {
        Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
        if (found.size() != 1) {
          throw error("plug-in " + jar + " is not a modular jar", null);
        }
        ref = found.iterator().next();
      } catch (FindException e) {
        throw error("plug-in " + jar + " has a module descriptor Java refuses: " + reason(e), e);
      }
      ModuleDescriptor d = ref.descriptor();
      Path other = jarOfModule.putIfAbsent(d.name(), jar);
      if (other != null) {
        throw error(
            "plug-ins " + other + " and " + jar + " are both module " + d.name() + "; remove one",
            null);
      }
      Optional<Module> clash = parent.findModule(d.name());
      if (clash.isPresent()) {
        throw error(
            String.format(
                "plug-in %s is module %s, which mmsim already has (%s); a plug-in needs a"
                    + " module name of its own",
                jar, d.name(), moduleLocation(clash.get())),
            null);
      }
      for (ModuleDescriptor.Provides p : d.provides()) {
        for (String cn : p.providers()) {
          declaredBy.putIfAbsent(cn, jar);
        }
      }
    }
    Configuration cf;
    try {
      cf =
          parent
              .configuration()
              .resolve(
                  ModuleFinder.of(jars.toArray(Path[]::new)),
                  ModuleFinder.of(),
                  jarOfModule.keySet());
    } catch (FindException | ResolutionException e) {
      throw error(
          "the modular plug-ins "
              + jarOfModule
              + " cannot be resolved: "
              + reason(e)
              + " (a modular plug-in may require mmsim's modules, the JDK's and other modular"
              + " jars of the plug-in path)",
          e);
    }
    try {
      return ModuleLayer.defineModulesWithOneLoader(
              cf, List.of(parent), PluginPath.class.getClassLoader())
          .layer();
    } catch (LayerInstantiationException | SecurityException e) {
      throw error("the modular plug-ins " + jarOfModule + " cannot be loaded: " + reason(e), e);
    }
  }

  /** Where a module of a layer was loaded from, for messages. */
  static String moduleLocation(Module m) {
    ModuleLayer l = m.getLayer();
    return l == null
        ? "unknown location"
        : l.configuration()
            .findModule(m.getName())
            .flatMap(r -> r.reference().location())
            .map(java.net.URI::toString)
            .orElse("unknown location");
  }

  private static URLClassLoader classLoader(List<Path> jars) {
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toAbsolutePath().toUri().toURL();
      } catch (MalformedURLException e) {
        throw error("plug-in " + jars.get(i) + " has no usable URL: " + reason(e), e);
      }
    }
    return new URLClassLoader("mmsim-plugins", urls, PluginPath.class.getClassLoader());
  }

  private static String reason(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static ConfigurationException error(String message, Throwable cause) {
    return cause == null
        ? new ConfigurationException(KEY, message)
        : new ConfigurationException(KEY, message, cause);
  }
}
