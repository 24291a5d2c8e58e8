package io.mmsim.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class InvariantCheckExtensionTest {

  @Test
  void afterEach_brokenSubject_failsNamingItAndForgetsEverything() {
    InvariantCheckExtension ext = new InvariantCheckExtension();
    int[] calls = new int[1];
    ext.track("good", () -> calls[0]++);
    ext.track(
        "bad",
        () -> {
          throw new AssertionError("free count 3 but list holds 2");
        });

    assertThatThrownBy(() -> ext.afterEach(null))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("[bad]")
        .hasMessageContaining("free count 3 but list holds 2");
    assertThat(calls[0]).isEqualTo(1);
    assertThat(ext.tracked()).isZero();
  }

  @Test
  void afterEach_healthySubjects_passes() {
    InvariantCheckExtension ext = new InvariantCheckExtension();
    int[] calls = new int[1];
    ext.track("a", () -> calls[0]++);
    ext.track("b", () -> calls[0]++);

    ext.afterEach(null);

    assertThat(calls[0]).isEqualTo(2);
  }
}
