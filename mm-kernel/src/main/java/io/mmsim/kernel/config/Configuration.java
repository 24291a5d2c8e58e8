package io.mmsim.kernel.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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

  /** The largest configuration file read, in bytes: far more than any real one needs. */
  public static final int MAX_FILE_BYTES = 1 << 20;

  /**
   * This configuration overlaid with the keys of a properties file.
   *
   * <p>The file is read with a bound ({@link #MAX_FILE_BYTES}) and must be UTF-8 text, so that a
   * device or a binary given by mistake is refused with its file and line, never read without end.
   *
   * @throws ConfigurationException (its key the file name) when the file cannot be read, is not
   *     text, is too large or is malformed
   */
  public Configuration withFile(Path file) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(readText(file)));
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

  /** The file's text: at most {@link #MAX_FILE_BYTES}, each line UTF-8 without NUL bytes. */
  private static String readText(Path file) throws IOException {
    String name = file.toString();
    if (Files.isDirectory(file)) {
      throw new ConfigurationException(
          name, "cannot read configuration file " + file + ": it is a directory");
    }
    byte[] buf = new byte[MAX_FILE_BYTES + 1];
    int len = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while (len < buf.length && (n = in.read(buf, len, buf.length - len)) > 0) {
        len += n;
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ConfigurationException(
          name, "cannot read configuration file " + file + ": no such file", e);
    }
    int checked = Math.min(len, MAX_FILE_BYTES);
    StringBuilder text = new StringBuilder(checked);
    int line = 1;
    for (int from = 0; from < checked; line++) {
      int nl = from;
      while (nl < checked && buf[nl] != '\n') {
        nl++;
      }
      int to = nl == checked && len > checked ? backToCharStart(buf, from, nl) : nl;
      String decoded = decode(buf, from, to);
      if (decoded == null) {
        throw new ConfigurationException(name, name + ":" + line + ": not UTF-8 text");
      }
      text.append(decoded).append('\n');
      from = nl + 1;
    }
    if (len > MAX_FILE_BYTES) {
      throw new ConfigurationException(
          name,
          name + ": larger than " + (MAX_FILE_BYTES >> 20) + " MiB: not a configuration file");
    }
    return text.toString();
  }

  /** Where the last character of {@code b[from, to)} starts, when it may have been cut. */
  private static int backToCharStart(byte[] b, int from, int to) {
    int i = to;
    while (i > from && i > to - 4 && (b[i - 1] & 0xc0) == 0x80) {
      i--;
    }
    return i > from && (b[i - 1] & 0x80) != 0 ? i - 1 : to;
  }

  /** {@code b[from, to)} as text, or null when it is not UTF-8 or holds a NUL byte. */
  private static String decode(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == 0) {
        return null;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b, from, to - from))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
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
