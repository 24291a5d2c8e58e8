package io.mmsim.it;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;

import io.mmsim.api.spi.Provider;

/**
 * The module rules as checks of the compiled classes (ArchUnit), one module at a time, read from
 * the jar or class folder the boot layer loaded it from:
 *
 * <ul>
 *   <li>an implementation module never uses a class of another implementation module;
 *   <li>mm-api uses the JDK only;
 *   <li>mm-kernel uses mm-api, SLF4J and the JDK only (implementations arrive through services);
 *   <li>no library module uses Logback or prints to System.out or System.err;
 *   <li>the providers are the only public classes of an implementation module, each public and
 *       final.
 * </ul>
 *
 * Each rule is also shown to fail on a class made to break it, so a rule that can never fail is
 * caught.
 */
final class ModuleRulesTest {
  private static final Map<String, JavaClasses> IMPORTED = new ConcurrentHashMap<>();

  /** The classes of one module of the boot layer, imported from where the module was found. */
  static JavaClasses classesOf(String module) {
    return IMPORTED.computeIfAbsent(module, ModuleRulesTest::importModule);
  }

  /**
   * The classes of {@code module} together with mm-api's, so that a provider's supertypes (SPI
   * interfaces of mm-api) resolve; rules on them select the module's packages.
   */
  static JavaClasses classesWithApi(String module) {
    return IMPORTED.computeIfAbsent(
        module + "+api", k -> importLocations(location(module), location(ModuleGraphTest.API)));
  }

  private static Path location(String module) {
    URI location =
        ModuleLayer.boot()
            .configuration()
            .findModule(module)
            .orElseThrow(() -> new AssertionError(module + " is not in the boot layer"))
            .reference()
            .location()
            .orElseThrow(() -> new AssertionError(module + " has no location"));
    return Path.of(location);
  }

  private static JavaClasses importModule(String module) {
    return importLocations(location(module));
  }

  /** Imports class folders and jars alike. */
  private static JavaClasses importLocations(Path... paths) {
    List<Location> locations = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        locations.add(Location.of(p));
      } else {
        try (JarFile jar = new JarFile(p.toFile())) {
          locations.add(Location.of(jar));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + p, e);
        }
      }
    }
    return new ClassFileImporter().importLocations(locations);
  }

  /** The root package of a module: {@code io.mmsim.slub} holds {@code io.mmsim.slub..}. */
  private static String packagesOf(String module) {
    return module + "..";
  }

  static Stream<String> implementations() {
    return ModuleGraphTest.IMPLEMENTATIONS.stream();
  }

  static Stream<String> libraries() {
    List<String> all = new ArrayList<>(ModuleGraphTest.IMPLEMENTATIONS);
    all.add(ModuleGraphTest.API);
    all.add(ModuleGraphTest.KERNEL);
    return all.stream();
  }

  // ------------------------------------------------------------------ the rules

  static ArchRule noOtherImplementation(String module) {
    String[] others =
        ModuleGraphTest.IMPLEMENTATIONS.stream()
            .filter(m -> !m.equals(module))
            .map(ModuleRulesTest::packagesOf)
            .toArray(String[]::new);
    return noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(others)
        .because("an implementation module never imports another implementation module");
  }

  static final ArchRule API_USES_THE_JDK_ONLY =
      classes()
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("io.mmsim.api..", "java..")
          .because("mm-api depends on the JDK only");

  static final ArchRule KERNEL_USES_THE_API_ONLY =
      classes()
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("io.mmsim.kernel..", "io.mmsim.api..", "java..", "org.slf4j..")
          .because("mm-kernel depends on mm-api only; implementations are found as services");

  static final ArchRule NO_LOGBACK =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("ch.qos.logback..")
          .because("library code logs through SLF4J and never configures logging");

  static ArchRule publicClassesAreProviders(String packages) {
    return classes()
        .that()
        .resideInAPackage(packages)
        .and()
        .arePublic()
        .and()
        .areTopLevelClasses()
        .should()
        .beAssignableTo(Provider.class)
        .because("the provider is the only public class of an implementation module");
  }

  static ArchRule providersArePublicAndFinal(String packages) {
    return classes()
        .that()
        .resideInAPackage(packages)
        .and()
        .areAssignableTo(Provider.class)
        .and()
        .areNotInterfaces()
        .should()
        .bePublic()
        .andShould()
        .haveModifier(JavaModifier.FINAL);
  }

  // ------------------------------------------------------------------ the modules

  @ParameterizedTest
  @MethodSource("implementations")
  void implementation_usesNoOtherImplementation(String module) {
    noOtherImplementation(module).check(classesOf(module));
  }

  @Test
  void api_usesTheJdkOnly() {
    API_USES_THE_JDK_ONLY.check(classesOf(ModuleGraphTest.API));
  }

  @Test
  void kernel_usesTheApiSlf4jAndTheJdkOnly() {
    KERNEL_USES_THE_API_ONLY.check(classesOf(ModuleGraphTest.KERNEL));
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void library_neitherLogbackNorStandardStreams(String module) {
    JavaClasses c = classesOf(module);
    assertThat(c).as("classes of %s", module).isNotEmpty();

    NO_LOGBACK.check(c);
    NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.check(c);
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void implementation_providersAreItsOnlyPublicClasses(String module) {
    JavaClasses c = classesWithApi(module);
    String packages = packagesOf(module);
    assertThat(c.that(resideInAPackage(packages)).that(assignableTo(Provider.class)))
        .as("providers of %s", module)
        .isNotEmpty();

    publicClassesAreProviders(packages).check(c);
    providersArePublicAndFinal(packages).check(c);
  }

  // ------------------------------------------------------------------ the rules can fail

  @Test
  void rules_failOnAClassThatBreaksThem() {
    JavaClasses offender = new ClassFileImporter().importClasses(Offender.class);

    assertThatThrownBy(() -> NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.check(offender))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Offender");
    assertThatThrownBy(() -> publicClassesAreProviders("io.mmsim.it..").check(offender))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Offender");
  }
}
