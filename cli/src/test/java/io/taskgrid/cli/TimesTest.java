package io.taskgrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimesTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void pastTimesReadAsAgoAndFutureOnesAsIn() {
    assertThat(Times.relative(NOW.minusSeconds(180), NOW)).isEqualTo("3m ago");
    assertThat(Times.relative(NOW.plusSeconds(12), NOW)).isEqualTo("in 12s");
    assertThat(Times.relative(NOW.plusMillis(300), NOW)).isEqualTo("now");
  }

  @Test
  void keepsTwoUnitsAtMostAndDropsSecondsFromTenMinutesOn() {
    assertThat(Times.relative(NOW.minusSeconds(200), NOW)).isEqualTo("3m20s ago");
    assertThat(Times.relative(NOW.minusSeconds(25 * 60 + 7), NOW)).isEqualTo("25m ago");
    assertThat(Times.relative(NOW.plus(Duration.ofMinutes(150)), NOW)).isEqualTo("in 2h30m");
    assertThat(Times.relative(NOW.minus(Duration.ofHours(49)), NOW)).isEqualTo("2d1h ago");
    assertThat(Times.relative(NOW.minus(Duration.ofDays(40).plusHours(3)), NOW)).isEqualTo("40d ago");
  }

  @Test
  void measuredDurationsShowMillisecondsBelowASecondAndTenthsBelowTen() {
    assertThat(Times.compact(Duration.ofMillis(150))).isEqualTo("150ms");
    assertThat(Times.compact(Duration.ofNanos(400_000))).isEqualTo("<1ms");
    assertThat(Times.compact(Duration.ZERO)).isEqualTo("0ms");
    assertThat(Times.compact(Duration.ofMillis(2540))).isEqualTo("2.5s");
    assertThat(Times.compact(Duration.ofMillis(3000))).isEqualTo("3s");
    assertThat(Times.compact(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Times.compact(Duration.ofHours(2))).isEqualTo("2h");
  }
}
