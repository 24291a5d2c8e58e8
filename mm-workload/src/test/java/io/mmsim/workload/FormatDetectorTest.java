package io.mmsim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Format detection: by content, in linear time, whatever the line length. */
final class FormatDetectorTest {
  private static WorkloadFormat detect(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return FormatDetector.detect(b, b.length, true);
  }

  @Test
  void detect_eachFormat() {
    assertThat(detect("# a workload\nalloc_pages a 0\n")).isEqualTo(WorkloadFormat.WORKLOAD);
    assertThat(detect("==1== Lackey\n\nI  04000000,3\n")).isEqualTo(WorkloadFormat.LACKEY);
    assertThat(detect(" S 1ffefffd00,8\n")).isEqualTo(WorkloadFormat.LACKEY);
    assertThat(detect("==1== x\n--1-- malloc(3) = 0x10\n")).isEqualTo(WorkloadFormat.MALLOC_TRACE);
    assertThat(detect("--1-- realloc(0x0,8)malloc(8) = 0x10\n"))
        .isEqualTo(WorkloadFormat.MALLOC_TRACE);
    assertThat(detect("1,2,3,\n")).isEqualTo(WorkloadFormat.REFERENCE_STRING);
    assertThat(detect("  7\n8\n")).isEqualTo(WorkloadFormat.REFERENCE_STRING);
    assertThat(detect("")).isEqualTo(WorkloadFormat.WORKLOAD);
  }

  @Test
  void detect_nearMisses_areTextWorkloads() {
    assertThat(detect("1,,2\n")).isEqualTo(WorkloadFormat.WORKLOAD);
    assertThat(detect(",1\n")).isEqualTo(WorkloadFormat.WORKLOAD);
    assertThat(detect("I 0400,\n")).isEqualTo(WorkloadFormat.WORKLOAD);
    assertThat(detect("--1-- malloc(3) = \n")).isEqualTo(WorkloadFormat.WORKLOAD);
  }

  @Test
  void detect_referenceLineOfAMillionEntries_isAReferenceString() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1_000_000; i++) {
      sb.append(i % 97).append(i % 3 == 0 ? ", " : ",");
    }
    byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);

    // the whole line, and the first 1 MiB of it as open() sees it
    assertThat(FormatDetector.detect(b, b.length, true)).isEqualTo(WorkloadFormat.REFERENCE_STRING);
    assertThat(FormatDetector.detect(b, FormatDetector.HEAD, false))
        .isEqualTo(WorkloadFormat.REFERENCE_STRING);
  }
}
