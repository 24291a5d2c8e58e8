package io.mmsim.kernel.registry;

import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mmsim.api.ConfigurationException;
import io.mmsim.api.spi.FaultHandlerProvider;
import io.mmsim.api.spi.ObjectAllocatorProvider;
import io.mmsim.api.spi.PageAllocatorProvider;
import io.mmsim.api.spi.PageTableProvider;
import io.mmsim.api.spi.Provider;
import io.mmsim.api.spi.ReplacementPolicyProvider;
import io.mmsim.api.spi.SpiVersion;
import io.mmsim.api.spi.VirtualAllocatorProvider;
import io.mmsim.api.swap.SwapProvider;

/**
 * The one place where mmsim calls {@link ServiceLoader}: discovers every provider of every SPI,
 * rejects duplicates and incompatible SPI versions, and selects providers by configured name.
 *
 * <p>A provider that fails to load is logged at WARN and kept for error reports, so one broken jar
 * does not stop the scan (the SLF4J approach). Error messages list every provider found with its
 * description, module (or class path), version and location, and end with a remedy.
 */
public final class ProviderRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

  /**
   * One SPI: its configuration key, its provider type and the artifact that usually provides it.
   */
  public enum Spi {
    /** Page allocators. */
    PAGE_ALLOCATOR("page-allocator", PageAllocatorProvider.class, "mm-buddy"),
    /** Object allocators. */
    OBJECT_ALLOCATOR(
        "object-allocator", ObjectAllocatorProvider.class, "mm-slub, mm-slab or mm-slob"),
    /** vmalloc. */
    VIRTUAL_ALLOCATOR("virtual-allocator", VirtualAllocatorProvider.class, "mm-vmalloc"),
    /** Page tables. */
    PAGE_TABLE("page-table", PageTableProvider.class, "mm-paging"),
    /** Fault handlers. */
    FAULT_HANDLER("fault-handler", FaultHandlerProvider.class, "mm-paging or mm-swap"),
    /** Replacement policies. */
    REPLACEMENT_POLICY("reclaim.policy", ReplacementPolicyProvider.class, "mm-swap"),
    /** The swap subsystem (areas, swap cache, reclaim). */
    SWAP("swap", SwapProvider.class, "mm-swap");

    private final String key;
    private final Class<? extends Provider> type;
    private final String artifact;

    Spi(String key, Class<? extends Provider> type, String artifact) {
      this.key = key;
      this.type = type;
      this.artifact = artifact;
    }

    /** The configuration key that names the chosen provider. */
    public String key() {
      return key;
    }

    /** The provider interface. */
    public Class<? extends Provider> type() {
      return type;
    }

    /** The artifact(s) that provide it, for remedies. */
    public String artifact() {
      return artifact;
    }
  }

  private final Map<Spi, List<Provider>> providers = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();

  private ProviderRegistry() {}

  /** Scans the module path and class path for every SPI. */
  public static ProviderRegistry discover() {
    ProviderRegistry r = new ProviderRegistry();
    r.load(Spi.PAGE_ALLOCATOR, ServiceLoader.load(PageAllocatorProvider.class));
    r.load(Spi.OBJECT_ALLOCATOR, ServiceLoader.load(ObjectAllocatorProvider.class));
    r.load(Spi.VIRTUAL_ALLOCATOR, ServiceLoader.load(VirtualAllocatorProvider.class));
    r.load(Spi.PAGE_TABLE, ServiceLoader.load(PageTableProvider.class));
    r.load(Spi.FAULT_HANDLER, ServiceLoader.load(FaultHandlerProvider.class));
    r.load(Spi.REPLACEMENT_POLICY, ServiceLoader.load(ReplacementPolicyProvider.class));
    r.load(Spi.SWAP, ServiceLoader.load(SwapProvider.class));
    return r;
  }

  /** A registry of exactly the given providers (tests, embedding without ServiceLoader). */
  public static ProviderRegistry of(List<? extends Provider> given) {
    ProviderRegistry r = new ProviderRegistry();
    for (Spi spi : Spi.values()) {
      List<Provider> list = new ArrayList<>();
      for (Provider p : given) {
        if (spi.type().isInstance(p)) {
          list.add(p);
        }
      }
      r.accept(spi, list);
    }
    return r;
  }

  private <P extends Provider> void load(Spi spi, ServiceLoader<P> loader) {
    List<Provider> list = new ArrayList<>();
    loader.stream()
        .forEach(
            handle -> {
              try {
                list.add(handle.get());
              } catch (ServiceConfigurationError e) {
                String what =
                    spi.type().getSimpleName()
                        + " "
                        + handle.type().getName()
                        + ": "
                        + e.getMessage();
                LOG.warn("provider failed to load: {}", what);
                failures.add(what);
              }
            });
    accept(spi, list);
  }

  private void accept(Spi spi, List<Provider> list) {
    List<Provider> ok = new ArrayList<>();
    for (Provider p : list) {
      int v = p.spiVersion();
      if (SpiVersion.major(v) != SpiVersion.MAJOR) {
        String what =
            String.format(
                "%s '%s' (%s) was compiled against SPI %s, this mm-api is %s",
                spi.type().getSimpleName(),
                p.name(),
                p.getClass().getName(),
                SpiVersion.format(v),
                SpiVersion.format(SpiVersion.CURRENT));
        LOG.warn("provider rejected: {}", what);
        failures.add(what);
        continue;
      }
      if (SpiVersion.minor(v) != SpiVersion.MINOR) {
        LOG.warn(
            "{} '{}' was compiled against SPI {}, this mm-api is {}",
            spi.type().getSimpleName(),
            p.name(),
            SpiVersion.format(v),
            SpiVersion.format(SpiVersion.CURRENT));
      }
      ok.add(p);
    }
    ok.sort(
        Comparator.comparing((Provider p) -> p.name().toLowerCase(Locale.ROOT))
            .thenComparing(p -> p.getClass().getName()));
    providers.put(spi, List.copyOf(ok));
  }

  /** Every provider of one SPI, by name. */
  public List<Provider> providers(Spi spi) {
    return providers.getOrDefault(spi, List.of());
  }

  /** Providers that failed to load, one line each. */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  /**
   * Fails when two providers of one SPI share a name, naming both classes and locations.
   *
   * @throws ConfigurationException for the first duplicate found
   */
  public void checkDuplicates() {
    for (Map.Entry<Spi, List<Provider>> e : providers.entrySet()) {
      Map<String, Provider> seen = new LinkedHashMap<>();
      for (Provider p : e.getValue()) {
        Provider other = seen.putIfAbsent(p.name().toLowerCase(Locale.ROOT), p);
        if (other != null) {
          throw new ConfigurationException(
              e.getKey().key(),
              String.format(
                  "two %s providers are named '%s': %s (%s) and %s (%s); remove one of them",
                  e.getKey().type().getSimpleName(),
                  p.name(),
                  other.getClass().getName(),
                  location(other),
                  p.getClass().getName(),
                  location(p)));
        }
      }
    }
  }

  /**
   * The provider of {@code spi} named {@code name} (case-insensitive), or the highest-priority one
   * when {@code name} is empty.
   *
   * @throws ConfigurationException naming the key and listing every provider found
   */
  public <P extends Provider> P select(Spi spi, Class<P> type, String name) {
    List<Provider> list = providers(spi);
    if (list.isEmpty()) {
      throw new ConfigurationException(
          spi.key(),
          String.format(
              "%s: no %s was found; add %s to the module path or class path%s",
              spi.key(), spi.type().getSimpleName(), spi.artifact(), failureText()));
    }
    if (name == null || name.isBlank()) {
      int best = Integer.MIN_VALUE;
      List<Provider> top = new ArrayList<>();
      for (Provider p : list) {
        if (p.priority() > best) {
          best = p.priority();
          top.clear();
        }
        if (p.priority() == best) {
          top.add(p);
        }
      }
      if (top.size() > 1) {
        throw new ConfigurationException(
            spi.key(),
            String.format(
                "%s: several providers share the top priority; choose one with %s=NAME:%n%s",
                spi.key(), spi.key(), listing(top)));
      }
      LOG.debug("{}: chose {} by priority among {}", spi.key(), top.get(0).name(), list);
      return type.cast(top.get(0));
    }
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (Provider p : list) {
      if (p.name().toLowerCase(Locale.ROOT).equals(wanted)) {
        LOG.debug("{}: chose {}", spi.key(), p.name());
        return type.cast(p);
      }
    }
    throw new ConfigurationException(
        spi.key(),
        String.format(
            "%s: unknown %s '%s'; the providers found are:%n%s%nchoose one of them, or add the"
                + " artifact that provides '%s' to the module path or class path%s",
            spi.key(),
            spi.type().getSimpleName(),
            name.trim(),
            listing(list),
            name.trim(),
            failureText()));
  }

  /**
   * Every provider of any SPI with this name (one name may serve several SPIs, like {@code swap}:
   * the swap subsystem and its fault handler), for settings prefixes.
   */
  public List<Provider> findAllByName(String name) {
    List<Provider> found = new ArrayList<>();
    for (List<Provider> list : providers.values()) {
      for (Provider p : list) {
        if (p.name().equalsIgnoreCase(name)) {
          found.add(p);
        }
      }
    }
    return found;
  }

  /** One line per provider: name, description, module or class path, version, location. */
  public static String listing(List<Provider> list) {
    StringBuilder sb = new StringBuilder();
    for (Provider p : list) {
      if (sb.length() > 0) {
        sb.append(System.lineSeparator());
      }
      sb.append(
          String.format(
              "  %-10s %s [%s, %s, %s]",
              p.name(), p.description(), module(p), version(p), location(p)));
    }
    return sb.toString();
  }

  private String failureText() {
    if (failures.isEmpty()) {
      return "";
    }
    return System.lineSeparator()
        + "providers that failed to load:"
        + System.lineSeparator()
        + "  "
        + String.join(System.lineSeparator() + "  ", failures);
  }

  /** The module a provider lives in, or "class path". */
  public static String module(Provider p) {
    Module m = p.getClass().getModule();
    return m.isNamed() ? m.getName() : "class path";
  }

  /** The provider's module version, or "unversioned". */
  public static String version(Provider p) {
    Module m = p.getClass().getModule();
    if (m.isNamed() && m.getDescriptor() != null) {
      return m.getDescriptor().rawVersion().orElse("unversioned");
    }
    Package pkg = p.getClass().getPackage();
    String v = pkg == null ? null : pkg.getImplementationVersion();
    return v == null ? "unversioned" : v;
  }

  /** Where the provider's class was loaded from. */
  public static String location(Provider p) {
    try {
      CodeSource cs = p.getClass().getProtectionDomain().getCodeSource();
      URL url = cs == null ? null : cs.getLocation();
      return url == null ? "unknown location" : url.toString();
    } catch (SecurityException e) {
      return "unknown location";
    }
  }
}
