package io.mmsim.kernel.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import io.mmsim.api.ConfigurationException;

/**
 * The kernel's configuration: the embedded defaults, overlaid by a {@code .properties} file, then
 * by single overrides ({@code --set key=value} or the builder), in that order.
 *
 * <p>This class only gathers text; {@link ConfigValidator} decides which keys exist. Values are
 * kept in key order so that everything derived from them is deterministic.
 */
public final class Configuration {
  /** Where the facade's own defaults live. */
  public static final String DEFAULTS_RESOURCE = "/io/mmsim/kernel/defaults.properties";

  private final Map<String, String> values;
  private final Map<String, String> origin;

  private Configuration(Map<String, String> values, Map<String, String> origin) {
    this.values = values;
    this.origin = origin;
  }

  /** The embedded defaults. */
  public static Configuration defaults() {
    Properties p = new Properties();
    try (InputStream in = Configuration.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + DEFAULTS_RESOURCE + " in mm-kernel");
      }
      p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULTS_RESOURCE, e);
    }
    Map<String, String> v = new TreeMap<>();
    Map<String, String> o = new TreeMap<>();
    for (String k : p.stringPropertyNames()) {
      v.put(k, p.getProperty(k).trim());
      o.put(k, "default");
    }
    return new Configuration(v, o);
  }

  /** The facade's defaults as a map (for documentation and listings). */
  public static Map<String, String> facadeDefaults() {
    return defaults().asMap();
  }

  /** This configuration overlaid with the keys of a properties file. */
  public Configuration withFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new ConfigurationException(
          file.toString(), "cannot read configuration file " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          file.toString(), "malformed configuration file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> v = new TreeMap<>(values);
    Map<String, String> o = new TreeMap<>(origin);
    for (String k : new TreeMap<>(propertiesAsMap(p)).keySet()) {
      v.put(k, p.getProperty(k).trim());
      o.put(k, file.toString());
    }
    return new Configuration(v, o);
  }

  /** This configuration overlaid with {@code props}, recorded as coming from {@code origin}. */
  public Configuration withProperties(Properties props, String origin) {
    Map<String, String> v = new TreeMap<>(values);
    Map<String, String> o = new TreeMap<>(origin());
    for (String k : new TreeMap<>(propertiesAsMap(props)).keySet()) {
      v.put(k, props.getProperty(k).trim());
      o.put(k, origin);
    }
    return new Configuration(v, o);
  }

  private Map<String, String> origin() {
    return origin;
  }

  /** This configuration with one key set. */
  public Configuration with(String key, String value) {
    if (key == null || key.isBlank()) {
      throw new ConfigurationException(String.valueOf(key), "empty configuration key");
    }
    Map<String, String> v = new TreeMap<>(values);
    Map<String, String> o = new TreeMap<>(origin);
    v.put(key.trim(), value == null ? "" : value.trim());
    o.put(key.trim(), "override");
    return new Configuration(v, o);
  }

  /** Parses {@code key=value} and sets it. */
  public Configuration withAssignment(String assignment) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new ConfigurationException(assignment, "'" + assignment + "' is not KEY=VALUE");
    }
    return with(assignment.substring(0, eq), assignment.substring(eq + 1));
  }

  /** The value of {@code key}, or null. */
  public String get(String key) {
    return values.get(key);
  }

  /** Where {@code key}'s value came from: default, a file path, or override. */
  public String origin(String key) {
    return origin.getOrDefault(key, "unset");
  }

  /** Every key and value, sorted by key. */
  public Map<String, String> asMap() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  private static Map<String, String> propertiesAsMap(Properties p) {
    Map<String, String> m = new TreeMap<>();
    for (String k : p.stringPropertyNames()) {
      m.put(k, p.getProperty(k));
    }
    return m;
  }
}
