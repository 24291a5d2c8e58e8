package io.mmsim.kernel.plugin;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.Objects;

/**
 * Where a provider came from: a part mmsim was started with ("built-in": a module of the boot
 * layer, or a jar on the class path) or a jar of a {@link PluginPath}.
 *
 * @param plugin true when the provider was loaded from a plug-in jar
 * @param module the provider's module name, or {@code null} for a class in an unnamed module (the
 *     class path)
 * @param location the jar or folder the class was loaded from, as a URI string, or {@code null}
 *     when the JDK does not tell
 * @param version the module version, or the jar manifest's {@code Implementation-Version}, or
 *     {@code null} when neither is known
 */
public record ProviderOrigin(boolean plugin, String module, String location, String version) {

  /**
   * The origin of {@code type} relative to {@code plugins}: a plug-in when it was defined in the
   * plug-in path's module layer or by its class loader.
   */
  public static ProviderOrigin of(Class<?> type, PluginPath plugins) {
    Objects.requireNonNull(plugins, "plugins");
    Module m = type.getModule();
    if (m.isNamed()) {
      ModuleLayer layer = m.getLayer();
      String location =
          layer == null
              ? null
              : layer
                  .configuration()
                  .findModule(m.getName())
                  .flatMap(r -> r.reference().location())
                  .map(URI::toString)
                  .orElse(null);
      String version =
          m.getDescriptor() == null ? null : m.getDescriptor().rawVersion().orElse(null);
      boolean plugin = layer != null && plugins.layer().map(l -> l == layer).orElse(false);
      return new ProviderOrigin(plugin, m.getName(), location, version);
    }
    ClassLoader loader = type.getClassLoader();
    boolean plugin = loader != null && plugins.classLoader().map(l -> l == loader).orElse(false);
    Package pkg = type.getPackage();
    String version = pkg == null ? null : pkg.getImplementationVersion();
    return new ProviderOrigin(plugin, null, codeSource(type), version);
  }

  private static String codeSource(Class<?> type) {
    CodeSource cs = type.getProtectionDomain().getCodeSource();
    URL url = cs == null ? null : cs.getLocation();
    if (url == null) {
      return null;
    }
    try {
      return url.toURI().toString();
    } catch (URISyntaxException e) {
      return url.toString();
    }
  }

  /**
   * The last name of {@link #location}: the jar's file name ({@code mm-buddy-0.1.0.jar}), or the
   * folder's for classes loaded from a folder; {@code "unknown location"} when there is none.
   */
  public String fileName() {
    if (location == null) {
      return "unknown location";
    }
    try {
      URI uri = new URI(location);
      if ("file".equals(uri.getScheme())) {
        Path p = Paths.get(uri).getFileName();
        if (p != null) {
          return p.toString();
        }
      }
    } catch (URISyntaxException | IllegalArgumentException e) {
      // not a file URI: fall back to the text after the last slash
    }
    String s = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    return s.substring(s.lastIndexOf('/') + 1);
  }

  /**
   * One short phrase for listings: {@code plug-in my-parts-1.2.jar 1.2} (a plug-in: its jar and
   * version), {@code built-in io.mmsim.buddy} (a module mmsim was started with), or {@code
   * built-in, class path, mm-buddy-0.1.0.jar}.
   */
  public String describe() {
    if (plugin) {
      return "plug-in " + fileName() + (version == null ? "" : " " + version);
    }
    if (module != null) {
      return "built-in " + module;
    }
    return "built-in, class path, " + fileName();
  }

  /** {@link #describe()} with the version and the full location, for error messages. */
  public String describeWithLocation() {
    String v = version == null || plugin ? "" : " " + version;
    return describe() + v + " (" + (location == null ? "unknown location" : location) + ")";
  }
}
