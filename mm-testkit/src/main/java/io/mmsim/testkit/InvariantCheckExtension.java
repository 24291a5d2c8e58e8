package io.mmsim.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.mmsim.api.Allocator;

/**
 * Re-checks the internal structure of every subject a test created, after the test: a corrupted
 * allocator fails the test even when its assertions passed.
 *
 * <p>Register it on an instance field and track each subject as it is built:
 *
 * <pre>{@code
 * @RegisterExtension
 * final InvariantCheckExtension invariants = new InvariantCheckExtension();
 *
 * @Test
 * void something() {
 *   PageAllocator a = invariants.track(createAllocator());
 *   ...
 * }
 * }</pre>
 *
 * After each test it calls {@link Allocator#checkInvariants()} (or the registered check) on every
 * tracked subject in registration order, forgets them all, and throws one {@link AssertionError}
 * naming every subject whose check failed (the individual errors are attached as suppressed).
 */
public final class InvariantCheckExtension implements AfterEachCallback {

  private final List<String> names = new ArrayList<>();
  private final List<Runnable> checks = new ArrayList<>();

  /** Tracks an allocator; returns it for chaining. */
  public <T extends Allocator> T track(T allocator) {
    Objects.requireNonNull(allocator, "allocator");
    names.add(allocator.name() + " allocator #" + (names.size() + 1));
    checks.add(allocator::checkInvariants);
    return allocator;
  }

  /** Tracks anything with a consistency check (a page table, a policy, a model). */
  public void track(String name, Runnable check) {
    names.add(Objects.requireNonNull(name, "name"));
    checks.add(Objects.requireNonNull(check, "check"));
  }

  /** Number of subjects tracked so far in this test. */
  public int tracked() {
    return checks.size();
  }

  /** Runs every check now and forgets nothing (for a test that wants to check mid-way). */
  public void checkNow() {
    AssertionError e = runChecks();
    if (e != null) {
      throw e;
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    AssertionError e;
    try {
      e = runChecks();
    } finally {
      names.clear();
      checks.clear();
    }
    if (e != null) {
      throw e;
    }
  }

  private AssertionError runChecks() {
    List<String> failed = new ArrayList<>();
    List<Throwable> causes = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      try {
        checks.get(i).run();
      } catch (AssertionError | RuntimeException t) {
        failed.add(names.get(i));
        causes.add(t);
      }
    }
    if (failed.isEmpty()) {
      return null;
    }
    AssertionError e =
        new AssertionError(
            "invariants broken after the test in " + failed + ": " + causes.get(0).getMessage(),
            causes.get(0));
    for (int i = 1; i < causes.size(); i++) {
      e.addSuppressed(causes.get(i));
    }
    return e;
  }
}
