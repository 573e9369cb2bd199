package io.taskgrid.coordinator.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsWindowsTest {
  private static long minuteOf(String instant) {
    return Instant.parse(instant).toEpochMilli() / 60_000;
  }

  private static long hourOf(String instant) {
    return Instant.parse(instant).toEpochMilli() / 3_600_000;
  }

  @Test
  void theLastHourIsTheCurrentMinuteAndTheFiftyNineBefore() {
    List<Long> minutes = StatsWindows.lastHour(Instant.parse("2026-12-01T10:30:15Z"));
    assertThat(minutes).hasSize(60);
    assertThat(minutes.getFirst()).isEqualTo(minuteOf("2026-12-01T09:31:00Z"));
    assertThat(minutes.getLast()).isEqualTo(minuteOf("2026-12-01T10:30:00Z"));
    assertThat(minutes).doesNotContain(minuteOf("2026-12-01T09:30:59Z")).isSorted();
  }

  @Test
  void theLastDayIsTheCurrentHourAndTheTwentyThreeBefore() {
    List<Long> hours = StatsWindows.lastDay(Instant.parse("2026-12-01T10:30:15Z"));
    assertThat(hours).hasSize(24);
    assertThat(hours.getFirst()).isEqualTo(hourOf("2026-11-30T11:00:00Z"));
    assertThat(hours.getLast()).isEqualTo(hourOf("2026-12-01T10:00:00Z"));
    assertThat(hours).doesNotContain(hourOf("2026-11-30T10:59:59Z"));
  }

  @Test
  void anInstantOnABoundaryOpensItsOwnBucket() {
    Instant now = Instant.parse("2026-12-01T11:00:00Z");
    assertThat(StatsWindows.lastHour(now).getLast()).isEqualTo(minuteOf("2026-12-01T11:00:00Z"));
    assertThat(StatsWindows.lastDay(now).getLast()).isEqualTo(hourOf("2026-12-01T11:00:00Z"));
    assertThat(StatsWindows.lastHour(now.minusMillis(1)).getLast()).isEqualTo(minuteOf("2026-12-01T10:59:00Z"));
  }

  @Test
  void bucketsMatchTheScriptsArithmeticBeforeTheEpochToo() {
    // the scripts floor ms / 60000; a clock before 1970 must not round towards zero
    assertThat(StatsWindows.lastHour(Instant.ofEpochMilli(-1)).getLast()).isEqualTo(-1L);
  }
}
