package io.taskgrid.coordinator.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.schedule.EverySchedule;
import io.taskgrid.core.schedule.OnceSchedule;
import io.taskgrid.core.schedule.Schedule;
import io.taskgrid.core.schedule.Schedules;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ScheduledFiresTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static Schedule cron(String expression, ZoneId zone) {
    return Schedules.parse("cron", expression, zone, null);
  }

  private static long nextHour(Schedule s, Instant from) {
    return ScheduledFires.count(s, from, from.plus(Duration.ofHours(1)));
  }

  @Test
  void aPerSecondCronFiresThirtySixHundredTimesAnHourAndLongerSpansStopAtTheCap() {
    Schedule everySecond = cron("* * * * * *", ZoneOffset.UTC);
    assertThat(nextHour(everySecond, NOW)).isEqualTo(3600);
    assertThat(nextHour(everySecond, NOW.plusMillis(500))).isEqualTo(3600);
    assertThat(ScheduledFires.count(everySecond, NOW, NOW.plus(Duration.ofDays(1)))).isEqualTo(ScheduledFires.MAX_STEPPED);
  }

  @Test
  void anEveryIntervalIsCountedWithoutSteppingWhateverItsRate() {
    Instant anchor = NOW.minusSeconds(7);
    assertThat(nextHour(new EverySchedule(Duration.ofSeconds(1), anchor), NOW)).isEqualTo(3600);
    assertThat(ScheduledFires.count(new EverySchedule(Duration.ofSeconds(1), anchor), NOW, NOW.plus(Duration.ofDays(1)))).isEqualTo(86_400);
    assertThat(nextHour(new EverySchedule(Duration.ofMinutes(10), NOW), NOW)).isEqualTo(6);
    assertThat(nextHour(new EverySchedule(Duration.ofMinutes(25), NOW.minusSeconds(60)), NOW)).isEqualTo(2);
  }

  @Test
  void anEveryIntervalAnchoredInTheFutureFiresOnlyAfterItsAnchor() {
    // fires at anchor + k * interval for k >= 1: anchor + 10m, + 20m inside the hour
    assertThat(nextHour(new EverySchedule(Duration.ofMinutes(10), NOW.plus(Duration.ofMinutes(35))), NOW)).isEqualTo(2);
    assertThat(nextHour(new EverySchedule(Duration.ofMinutes(10), NOW.plus(Duration.ofHours(2))), NOW)).isZero();
  }

  @Test
  void cronFiresAreCountedStrictlyAfterTheStartAndUpToTheEnd() {
    Schedule quarterly = cron("*/15 * * * *", ZoneOffset.UTC);
    assertThat(nextHour(quarterly, NOW)).isEqualTo(4);
    assertThat(nextHour(quarterly, NOW.plusSeconds(1))).isEqualTo(4);
    assertThat(nextHour(cron("0 3 * * *", ZoneOffset.UTC), NOW)).isZero();
  }

  @Test
  void aOneOffCountsOnceWhenDueWithinTheSpan() {
    assertThat(nextHour(new OnceSchedule(NOW.plus(Duration.ofMinutes(30))), NOW)).isEqualTo(1);
    assertThat(nextHour(new OnceSchedule(NOW.plus(Duration.ofMinutes(90))), NOW)).isZero();
    assertThat(nextHour(new OnceSchedule(NOW.minusSeconds(1)), NOW)).isZero();
  }

  @Test
  void onTheSpringForwardDayATimeInTheGapStillFiresOnce() {
    // Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z); 02:30 does not exist
    Schedule halfPastTwo = cron("30 2 * * *", BERLIN);
    assertThat(ScheduledFires.count(halfPastTwo, Instant.parse("2026-03-29T00:00:00Z"), Instant.parse("2026-03-29T02:00:00Z"))).isEqualTo(1);
    // a quarter-hourly cron keeps firing every 15 minutes of real time across the gap
    assertThat(nextHour(cron("*/15 * * * *", BERLIN), Instant.parse("2026-03-29T00:30:00Z"))).isEqualTo(4);
  }

  @Test
  void onTheFallBackDayATimeThatOccursTwiceFiresOnce() {
    // Berlin, 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00Z); 02:30 occurs at 00:30Z and 01:30Z
    Schedule halfPastTwo = cron("30 2 * * *", BERLIN);
    assertThat(ScheduledFires.count(halfPastTwo, Instant.parse("2026-10-25T00:00:00Z"), Instant.parse("2026-10-25T02:00:00Z"))).isEqualTo(1);
  }

  @Test
  void anEmptyOrBackwardSpanHasNoFires() {
    Schedule everySecond = cron("* * * * * *", ZoneOffset.UTC);
    assertThat(ScheduledFires.count(everySecond, NOW, NOW)).isZero();
    assertThat(ScheduledFires.count(everySecond, NOW, NOW.minusSeconds(5))).isZero();
  }
}
