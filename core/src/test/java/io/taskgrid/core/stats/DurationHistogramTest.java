package io.taskgrid.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.Outcome;
import io.taskgrid.core.Payload;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DurationHistogramTest {
  private static void assertWithinAccuracy(Duration estimate, Duration actual) {
    double ratio = (double) estimate.toNanos() / actual.toNanos();
    assertThat(ratio).as("%s for %s", estimate, actual).isBetween(1 - DurationHistogram.RELATIVE_ACCURACY - 1e-9,
        1 + DurationHistogram.RELATIVE_ACCURACY + 1e-9);
  }

  @Test
  void everyRunTimeFromAMillisecondToADayReadsBackWithinTheRelativeAccuracy() {
    for (long ms = 1; ms <= 86_400_000L; ms = ms < 2000 ? ms + 1 : ms * 101 / 100) {
      Duration d = Duration.ofMillis(ms);
      assertWithinAccuracy(DurationHistogram.valueOf(DurationHistogram.bucketOf(d)), d);
    }
  }

  @Test
  void bucketsGrowWithTheRunTimeAndStayFew() {
    assertThat(DurationHistogram.bucketOf(Duration.ZERO)).isZero();
    assertThat(DurationHistogram.bucketOf(Duration.ofNanos(999_999))).isZero();
    assertThat(DurationHistogram.bucketOf(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(DurationHistogram.bucketOf(Duration.ofMillis(2))).isGreaterThan(DurationHistogram.bucketOf(Duration.ofMillis(1)));
    assertThat(DurationHistogram.bucketOf(Duration.ofDays(1))).isLessThan(200);
    assertThat(DurationHistogram.bucketOf(Duration.ofMillis(-5))).isZero();
  }

  @Test
  void percentilesOfAHundredRunTimesAreTheRunTimesAtTheirRank() {
    DurationHistogram h = new DurationHistogram();
    for (int ms = 1; ms <= 100; ms++) h.add(DurationHistogram.bucketOf(Duration.ofMillis(ms)), 1);
    assertThat(h.count()).isEqualTo(100);
    assertWithinAccuracy(h.quantile(0.50).orElseThrow(), Duration.ofMillis(50));
    assertWithinAccuracy(h.quantile(0.95).orElseThrow(), Duration.ofMillis(95));
    assertWithinAccuracy(h.quantile(0.99).orElseThrow(), Duration.ofMillis(99));
    assertWithinAccuracy(h.quantile(1).orElseThrow(), Duration.ofMillis(100));
    assertWithinAccuracy(h.quantile(0).orElseThrow(), Duration.ofMillis(1));
  }

  @Test
  void aSkewedSpreadKeepsItsTail() {
    DurationHistogram h = new DurationHistogram();
    h.add(DurationHistogram.bucketOf(Duration.ofMillis(10)), 990);
    h.add(DurationHistogram.bucketOf(Duration.ofSeconds(30)), 10);
    assertWithinAccuracy(h.quantile(0.50).orElseThrow(), Duration.ofMillis(10));
    assertWithinAccuracy(h.quantile(0.99).orElseThrow(), Duration.ofMillis(10));
    assertWithinAccuracy(h.quantile(0.995).orElseThrow(), Duration.ofSeconds(30));
  }

  @Test
  void mergedHistogramsCountBoth() {
    DurationHistogram a = new DurationHistogram().add(3, 2);
    DurationHistogram b = new DurationHistogram().add(3, 1).add(40, 1);
    a.addAll(b);
    assertThat(a.count()).isEqualTo(4);
    assertThat(a.counts()).containsEntry(3, 3L).containsEntry(40, 1L);
  }

  @Test
  void anEmptyHistogramHasNoPercentilesAndBadInputIsIgnoredOrRejected() {
    DurationHistogram h = new DurationHistogram().add(-1, 5).add(4, 0);
    assertThat(h.quantile(0.5)).isEmpty();
    assertThatThrownBy(() -> h.quantile(1.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
    assertThatThrownBy(() -> h.quantile(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyHandlersThatRanToTheirOwnEndHaveARunBucket() {
    Instant start = Instant.parse("2026-12-01T10:00:00Z");
    Instant end = start.plusMillis(250);
    String bucket = Integer.toString(DurationHistogram.bucketOf(Duration.ofMillis(250)));
    assertThat(DurationHistogram.runBucket(new Outcome.Succeeded(start, end, Payload.EMPTY))).isEqualTo(bucket);
    assertThat(DurationHistogram.runBucket(new Outcome.Failed(start, end, "x.Error", "boom"))).isEqualTo(bucket);
    assertThat(DurationHistogram.runBucket(new Outcome.Skipped(start, end, Outcome.Skipped.QUEUE_FULL))).isEmpty();
  }
}
