/**
 * Registration checks every implementation module runs from its white-box {@code
 * ServiceRegistrationTest}.
 *
 * <p>AutoService writes {@code META-INF/services} files and never looks at {@code module-info}
 * (google/auto#2021), while on the module path {@link java.util.ServiceLoader} reads only the
 * descriptor's {@code provides}. A provider registered one way but not the other is found on one
 * path and silently missing on the other, so {@link
 * io.mmsim.testkit.registration.ServiceRegistrations} compares the two, and compares the module's
 * reference {@code defaults.properties} with what its providers say they read.
 *
 * <p>The checks need the module under test to be a named module: Surefire patches the test classes
 * into it and opens each test package to the class path, where mm-testkit lives, so the module's
 * resources in those packages are readable from here.
 */
package io.mmsim.testkit.registration;
