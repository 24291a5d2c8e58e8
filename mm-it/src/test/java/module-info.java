/**
 * Black-box tests of the assembled mmsim modules.
 *
 * <p>Surefire runs this test-only descriptor as a real named module on the module path (everything
 * else goes there too, with {@code --add-modules ALL-MODULE-PATH}). The tests see only what the
 * published descriptors export; the implementation modules are test-scoped dependencies that no
 * module requires, so the kernel reaches them through its {@code uses} alone. This descriptor is
 * never published: mm-it has no artifact.
 */
open module io.mmsim.it {
  requires io.mmsim.kernel;
  requires org.junit.jupiter.api;
  requires org.junit.jupiter.params;
  requires org.assertj.core;
  requires com.tngtech.archunit;
  // PluginDiscoveryTest compiles real plug-in jars with the JDK's compiler
  requires java.compiler;
}
