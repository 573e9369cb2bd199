package io.taskgrid.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random interval schedules (hour field {@code *} or a step over the whole day) around random
 * daylight-saving changes of many zones: they follow real time, so the longest wait for a fire
 * grows by at most the size of the shift, every fire is at a local time that matches the
 * expression, and no instant fires twice.
 *
 * <p>One exception, by the rule itself: when a spring-forward gap swallows matching local times
 * (a {@code 0 *}/3 schedule in a zone whose clocks jump from 00:00 to 01:00), those times are no
 * fire, and the wait is the wall-clock distance between the matches either side, less the shift.
 */
class IntervalScheduleDaylightPropertyTest {
  private static final List<String> ZONES =
      List.of(
          "America/New_York",
          "Europe/London",
          "Europe/Berlin",
          "Pacific/Chatham",
          "Australia/Lord_Howe",
          "Australia/Sydney",
          "America/Santiago",
          "America/Havana",
          "America/St_Johns",
          "Asia/Tehran",
          "Africa/Cairo",
          "Pacific/Auckland",
          "Antarctica/Troll",
          "America/Asuncion");

  /** {@code -Dseed=N -Dcases=N} (through surefire's argLine) runs other or more cases. */
  @Test
  void intervalSchedulesWaitAtMostTheirOrdinaryGapPlusTheShiftAndFireOnlyAtMatchingLocalTimes() {
    Random random = new Random(Long.getLong("seed", 20261101));
    int checked = 0;
    for (int i = 0; i < Integer.getInteger("cases", 300); i++) {
      String expression = randomIntervalExpression(random);
      ZoneId zone = ZoneId.of(ZONES.get(random.nextInt(ZONES.size())));
      Instant around = Instant.parse("2005-01-01T00:00:00Z").plus(Duration.ofDays(random.nextInt(365 * 25)));
      ZoneOffsetTransition transition = zone.getRules().nextTransition(around);
      if (transition == null) {
        continue;
      }
      CronSchedule schedule = (CronSchedule) Schedules.parse("cron", expression, zone, null);
      Schedule wallClock = Schedules.parse("cron", expression, ZoneOffset.UTC, null);
      assertThat(schedule.kind()).as(expression).isEqualTo(CronSchedule.Kind.INTERVAL);

      Duration ordinary = longestGap(fires(wallClock, Instant.parse("2026-01-05T00:00:00Z"), Duration.ofDays(3)));
      Duration shift = Duration.ofSeconds(
          Math.abs(transition.getOffsetAfter().getTotalSeconds() - transition.getOffsetBefore().getTotalSeconds()));
      List<Instant> fires = fires(schedule, transition.getInstant().minus(Duration.ofDays(2)), Duration.ofDays(4));
      String what = expression + " in " + zone + " around " + transition;

      for (int k = 1; k < fires.size(); k++) {
        Instant a = fires.get(k - 1);
        Instant b = fires.get(k);
        Duration wait = Duration.between(a, b);
        if (transition.isGap() && a.isBefore(transition.getInstant()) && !b.isBefore(transition.getInstant())
            && matchesInGap(wallClock, transition)) {
          Duration wallClockDistance = Duration.between(LocalDateTime.ofInstant(a, zone), LocalDateTime.ofInstant(b, zone));
          assertThat(wait).as("wait across the gap of %s", what).isEqualTo(wallClockDistance.minus(shift));
        } else {
          assertThat(wait).as("wait from %s of %s", a, what).isLessThanOrEqualTo(ordinary.plus(shift));
        }
      }
      for (int k = 0; k < fires.size(); k++) {
        Instant fire = fires.get(k);
        LocalDateTime local = LocalDateTime.ofInstant(fire, zone);
        Instant asUtc = local.toInstant(ZoneOffset.UTC);
        assertThat(wallClock.next(asUtc.minusSeconds(1))).as("local time %s of a fire of %s", local, what).contains(asUtc);
        if (k > 0) {
          assertThat(fire).as(what).isAfter(fires.get(k - 1));
          assertThat(schedule.previous(fire)).as("previous of %s for %s", fire, what).contains(fires.get(k - 1));
        }
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(Integer.getInteger("cases", 300) * 5 / 6);
  }

  @Test
  void theHourFieldDecidesTheKind() {
    ZoneId zone = ZoneId.of("America/New_York");
    for (String interval : List.of("*/30 * * * *", "0 * * * *", "0 */2 * * *", "0 0/3 * * *", "15 0-23/4 * * *", "0 1/2 * * *", "0 5/6 * * *", "0 0-22/2 * * *", "0 * * * * *", "@hourly")) {
      assertThat(((CronSchedule) Schedules.parse("cron", interval, zone, null)).kind()).as(interval).isEqualTo(CronSchedule.Kind.INTERVAL);
    }
    for (String fixed : List.of("30 1 * * *", "0 2,14 * * *", "* 2 * * *", "0 9-17 * * 1-5", "0 7/2 * * *", "0 8-18/2 * * *", "0 0-20/2 * * *", "0 12/12 * * *", "0 0,12 * * *", "@daily", "@weekly")) {
      assertThat(((CronSchedule) Schedules.parse("cron", fixed, zone, null)).kind()).as(fixed).isEqualTo(CronSchedule.Kind.FIXED_TIME);
    }
  }

  /** Whether some local time inside the gap matches (read from the same expression in UTC). */
  private static boolean matchesInGap(Schedule wallClock, ZoneOffsetTransition gap) {
    Instant start = gap.getDateTimeBefore().toInstant(ZoneOffset.UTC);
    Instant end = gap.getDateTimeAfter().toInstant(ZoneOffset.UTC);
    return wallClock.next(start.minusSeconds(1)).filter(t -> t.isBefore(end)).isPresent();
  }

  private static List<Instant> fires(Schedule schedule, Instant from, Duration span) {
    List<Instant> fires = new ArrayList<>();
    Instant end = from.plus(span);
    Optional<Instant> next = schedule.next(from);
    while (next.isPresent() && next.get().isBefore(end)) {
      fires.add(next.get());
      next = schedule.next(next.get());
    }
    return fires;
  }

  /** The longest time between two consecutive fires. */
  private static Duration longestGap(List<Instant> fires) {
    Duration longest = Duration.ZERO;
    for (int k = 1; k < fires.size(); k++) {
      Duration gap = Duration.between(fires.get(k - 1), fires.get(k));
      if (gap.compareTo(longest) > 0) {
        longest = gap;
      }
    }
    return longest;
  }

  private static String randomIntervalExpression(Random r) {
    String hours =
        switch (r.nextInt(4)) {
          case 0, 1 -> "*";
          case 2 -> "*/" + (1 + r.nextInt(12));
          default -> {
            int n = 1 + r.nextInt(8);
            yield r.nextInt(n) + (r.nextBoolean() ? "/" : "-23/") + n;
          }
        };
    String minutes =
        switch (r.nextInt(6)) {
          case 0 -> "*";
          case 1 -> "*/" + (1 + r.nextInt(45));
          case 2 -> String.valueOf(r.nextInt(60));
          case 3 -> r.nextInt(30) + "-" + (30 + r.nextInt(30));
          case 4 -> r.nextInt(60) + "," + r.nextInt(60);
          default -> r.nextInt(15) + "/" + (1 + r.nextInt(20));
        };
    String fiveFields = minutes + " " + hours + " * * *";
    if (r.nextInt(5) != 0) {
      return fiveFields;
    }
    String[] seconds = {"0", "30", "0,20,40", "15,45", "59"};
    return seconds[r.nextInt(seconds.length)] + " " + fiveFields;
  }
}
