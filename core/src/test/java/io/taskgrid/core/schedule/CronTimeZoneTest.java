package io.taskgrid.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cron read on a zone's wall clock across daylight-saving changes. Fixed-time expressions (the hour
 * field names hours): a local time in a spring-forward gap fires once at the gap's end; a local time
 * repeated by fall-back fires once, at its first occurrence. Interval expressions (the hour field is
 * {@code *} or a step over every hour) follow real time: a missing local time is no fire, a
 * repeated one fires at each occurrence.
 */
class CronTimeZoneTest {
  private static Schedule cron(String expression, String zone) {
    return Schedules.parse("trigger.cron", expression, Schedules.zone("trigger.zone", zone), null);
  }

  private static List<Instant> instants(String spaceSeparated) {
    return Arrays.stream(spaceSeparated.trim().split("\\s+")).map(Instant::parse).toList();
  }

  /** The transitions these tests rely on, read from the JDK's rules rather than assumed. */
  @ParameterizedTest(name = "{0} changes at {1}")
  @CsvSource({
    "America/New_York,    2026-03-08T02:00, 2026-03-08T03:00, 2026-03-08T07:00:00Z",
    "America/New_York,    2026-11-01T02:00, 2026-11-01T01:00, 2026-11-01T06:00:00Z",
    "Europe/London,       2026-03-29T01:00, 2026-03-29T02:00, 2026-03-29T01:00:00Z",
    "Europe/London,       2026-10-25T02:00, 2026-10-25T01:00, 2026-10-25T01:00:00Z",
    "Australia/Lord_Howe, 2026-10-04T02:00, 2026-10-04T02:30, 2026-10-03T15:30:00Z",
    "Australia/Lord_Howe, 2026-04-05T02:00, 2026-04-05T01:30, 2026-04-04T15:00:00Z",
    "Pacific/Chatham,     2026-09-27T02:45, 2026-09-27T03:45, 2026-09-26T14:00:00Z",
    "Pacific/Chatham,     2026-04-05T03:45, 2026-04-05T02:45, 2026-04-04T14:00:00Z",
    "America/Santiago,    2026-09-06T00:00, 2026-09-06T01:00, 2026-09-06T04:00:00Z",
    "Pacific/Apia,        2011-12-30T00:00, 2011-12-31T00:00, 2011-12-30T10:00:00Z",
  })
  void theZoneRulesChangeWhereTheseTestsExpect(String zone, String before, String after, String instant) {
    ZoneOffsetTransition transition =
        ZoneId.of(zone).getRules().nextTransition(Instant.parse(instant).minusSeconds(1));

    assertThat(transition.getInstant()).isEqualTo(Instant.parse(instant));
    assertThat(transition.getDateTimeBefore()).isEqualTo(LocalDateTime.parse(before));
    assertThat(transition.getDateTimeAfter()).isEqualTo(LocalDateTime.parse(after));
  }

  @ParameterizedTest(name = "\"{0}\" in {1} after {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // New York spring-forward, 02:00 EST -> 03:00 EDT: 02:30 fires at 03:00 EDT, the next day as usual
        "30 2 * * *        | America/New_York    | 2026-03-07T00:00:00Z | 2026-03-07T07:30:00Z 2026-03-08T07:00:00Z 2026-03-09T06:30:00Z",
        // every minute of the missing hour collapses into one fire
        "* 2 * * *         | America/New_York    | 2026-03-08T06:58:30Z | 2026-03-08T07:00:00Z 2026-03-09T06:00:00Z 2026-03-09T06:01:00Z",
        // a match at 03:00, the first time after the gap, is the same instant and fires once with it
        "0,30 2,3 * * *    | America/New_York    | 2026-03-08T06:00:00Z | 2026-03-08T07:00:00Z 2026-03-08T07:30:00Z 2026-03-09T06:00:00Z",
        // New York fall-back, 02:00 EDT -> 01:00 EST: 01:30 fires in EDT only
        "30 1 * * *        | America/New_York    | 2026-10-31T12:00:00Z | 2026-11-01T05:30:00Z 2026-11-02T06:30:00Z",
        // fixed hours 2 and 14: 02:00 is missing on 8 March (fires at 03:00 EDT) and happens once on 1 November
        "0 2,14 * * *      | America/New_York    | 2026-03-08T00:00:00Z | 2026-03-08T07:00:00Z 2026-03-08T18:00:00Z 2026-03-09T06:00:00Z",
        "0 2,14 * * *      | America/New_York    | 2026-11-01T00:00:00Z | 2026-11-01T07:00:00Z 2026-11-01T19:00:00Z 2026-11-02T07:00:00Z",
        // a fixed hour repeated: every quarter of 01:xx fires in the first pass only
        "*/15 1 * * *      | America/New_York    | 2026-11-01T05:40:00Z | 2026-11-01T05:45:00Z 2026-11-02T06:00:00Z",
        // interval, fall back (the table): hourly fires at 01:00 EDT, 01:00 EST and 02:00 EST
        "0 * * * *         | America/New_York    | 2026-11-01T04:30:00Z | 2026-11-01T05:00:00Z 2026-11-01T06:00:00Z 2026-11-01T07:00:00Z 2026-11-01T08:00:00Z",
        "*/30 * * * *      | America/New_York    | 2026-11-01T04:50:00Z | 2026-11-01T05:00:00Z 2026-11-01T05:30:00Z 2026-11-01T06:00:00Z 2026-11-01T06:30:00Z 2026-11-01T07:00:00Z",
        "0 * * * * *       | America/New_York    | 2026-11-01T05:58:30Z | 2026-11-01T05:59:00Z 2026-11-01T06:00:00Z 2026-11-01T06:01:00Z",
        "0 * * * * *       | America/New_York    | 2026-11-01T06:58:30Z | 2026-11-01T06:59:00Z 2026-11-01T07:00:00Z 2026-11-01T07:01:00Z",
        // starting inside either pass of the repeated hour
        "*/15 * * * *      | America/New_York    | 2026-11-01T06:10:00Z | 2026-11-01T06:15:00Z 2026-11-01T06:30:00Z",
        "*/15 * * * *      | America/New_York    | 2026-11-01T05:50:00Z | 2026-11-01T06:00:00Z",
        "*/7 * * * *       | America/New_York    | 2026-11-01T05:50:00Z | 2026-11-01T05:56:00Z 2026-11-01T06:00:00Z 2026-11-01T06:07:00Z",
        "*/7 * * * *       | America/New_York    | 2026-11-01T06:50:00Z | 2026-11-01T06:56:00Z 2026-11-01T07:00:00Z 2026-11-01T07:07:00Z",
        // interval, spring forward: 02:30 and 02:00 do not exist, so they are no fire time
        "30 * * * *        | America/New_York    | 2026-03-08T05:00:00Z | 2026-03-08T05:30:00Z 2026-03-08T06:30:00Z 2026-03-08T07:30:00Z",
        "0 */2 * * *       | America/New_York    | 2026-03-08T04:00:00Z | 2026-03-08T05:00:00Z 2026-03-08T08:00:00Z 2026-03-08T10:00:00Z",
        "0 */2 * * *       | America/New_York    | 2026-11-01T03:00:00Z | 2026-11-01T04:00:00Z 2026-11-01T07:00:00Z 2026-11-01T09:00:00Z",
        "*/7 * * * *       | America/New_York    | 2026-03-08T06:50:00Z | 2026-03-08T06:56:00Z 2026-03-08T07:00:00Z 2026-03-08T07:07:00Z",
        // London, 01:00 GMT -> 02:00 BST and 02:00 BST -> 01:00 GMT
        "30 * * * *        | Europe/London       | 2026-03-29T00:00:00Z | 2026-03-29T00:30:00Z 2026-03-29T01:30:00Z",
        "0 * * * *         | Europe/London       | 2026-10-24T23:30:00Z | 2026-10-25T00:00:00Z 2026-10-25T01:00:00Z 2026-10-25T02:00:00Z",
        // Lord Howe's half-hour shift: 02:00 -> 02:30 in October, 02:00 -> 01:30 in April
        "*/30 * * * *      | Australia/Lord_Howe | 2026-10-03T14:50:00Z | 2026-10-03T15:00:00Z 2026-10-03T15:30:00Z 2026-10-03T16:00:00Z",
        "0 * * * *         | Australia/Lord_Howe | 2026-10-03T14:00:00Z | 2026-10-03T14:30:00Z 2026-10-03T16:00:00Z",
        "*/30 * * * *      | Australia/Lord_Howe | 2026-04-04T14:20:00Z | 2026-04-04T14:30:00Z 2026-04-04T15:00:00Z 2026-04-04T15:30:00Z",
        "0 * * * *         | Australia/Lord_Howe | 2026-04-04T13:30:00Z | 2026-04-04T14:00:00Z 2026-04-04T15:30:00Z",
        // Chatham's 45-minute offsets: 02:45 -> 03:45 in September, 03:45 -> 02:45 in April
        "0 * * * *         | Pacific/Chatham     | 2026-09-26T13:00:00Z | 2026-09-26T13:15:00Z 2026-09-26T14:15:00Z",
        "*/30 * * * *      | Pacific/Chatham     | 2026-09-26T13:30:00Z | 2026-09-26T13:45:00Z 2026-09-26T14:15:00Z",
        "0 * * * *         | Pacific/Chatham     | 2026-04-04T13:00:00Z | 2026-04-04T13:15:00Z 2026-04-04T14:15:00Z 2026-04-04T15:15:00Z",
        // London: 01:30 is missing on 29 March and doubled on 25 October
        "30 1 * * *        | Europe/London       | 2026-03-28T12:00:00Z | 2026-03-29T01:00:00Z 2026-03-30T00:30:00Z",
        "30 1 * * *        | Europe/London       | 2026-10-24T12:00:00Z | 2026-10-25T00:30:00Z 2026-10-26T01:30:00Z",
        // Lord Howe moves by 30 minutes: 02:00 -> 02:30 in October, 02:00 -> 01:30 in April
        "15 2 * * *        | Australia/Lord_Howe | 2026-10-03T00:00:00Z | 2026-10-03T15:30:00Z 2026-10-04T15:15:00Z",
        "45 2 * * *        | Australia/Lord_Howe | 2026-10-03T00:00:00Z | 2026-10-03T15:45:00Z 2026-10-04T15:45:00Z",
        "45 1 * * *        | Australia/Lord_Howe | 2026-04-04T00:00:00Z | 2026-04-04T14:45:00Z 2026-04-05T15:15:00Z",
        // Chatham, UTC+12:45 -> +13:45 at 02:45 local: 03:00 does not exist that day
        "0 3 * * *         | Pacific/Chatham     | 2026-09-26T00:00:00Z | 2026-09-26T14:00:00Z 2026-09-27T13:15:00Z",
        // Santiago moves from 24:00 to 01:00: midnight fires at 01:00 on that day
        "0 0 * * *         | America/Santiago    | 2026-09-05T00:00:00Z | 2026-09-05T04:00:00Z 2026-09-06T04:00:00Z 2026-09-07T03:00:00Z",
        // Samoa skipped 30 December 2011 entirely: noon that day fires when the day after begins
        "0 12 * * *        | Pacific/Apia        | 2011-12-29T00:00:00Z | 2011-12-29T22:00:00Z 2011-12-30T10:00:00Z 2011-12-30T22:00:00Z",
        // Kolkata: +05:30 all year
        "30 9 * * *        | Asia/Kolkata        | 2026-01-01T00:00:00Z | 2026-01-01T04:00:00Z 2026-01-02T04:00:00Z",
        "0 0 * * *         | Asia/Kolkata        | 2026-06-30T00:00:00Z | 2026-06-30T18:30:00Z",
        // leap days, local midnight
        "0 0 29 2 *        | Asia/Kolkata        | 2025-03-01T00:00:00Z | 2028-02-28T18:30:00Z 2032-02-28T18:30:00Z",
        "0 0 29 2 *        | America/New_York    | 2096-03-01T00:00:00Z | 2104-02-29T05:00:00Z",
        // @every ignores zones and daylight saving entirely (covered in EveryScheduleTest); presets do not
        "@daily            | America/New_York    | 2026-03-07T12:00:00Z | 2026-03-08T05:00:00Z 2026-03-09T04:00:00Z",
      })
  void firesOnTheZonesWallClock(String expression, String zone, String after, String expected) {
    List<Instant> fires = instants(expected);
    Schedule schedule = cron(expression, zone);

    assertThat(schedule.preview(Instant.parse(after), fires.size())).containsExactlyElementsOf(fires);
    for (int i = 1; i < fires.size(); i++) {
      assertThat(schedule.previous(fires.get(i))).contains(fires.get(i - 1));
    }
  }

  @Test
  void previousFromInsideTheRepeatedHourReturnsTheFirstPassOfAFixedHour() {
    Schedule quarterly = cron("*/15 1 * * *", "America/New_York");
    Instant lastFirstPassFire = Instant.parse("2026-11-01T05:45:00Z"); // 01:45 EDT

    assertThat(quarterly.previous(Instant.parse("2026-11-01T06:00:00Z"))).contains(lastFirstPassFire);
    assertThat(quarterly.previous(Instant.parse("2026-11-01T06:40:00Z"))).contains(lastFirstPassFire);
    assertThat(quarterly.previous(Instant.parse("2026-11-01T07:00:00Z"))).contains(lastFirstPassFire);
    assertThat(quarterly.previous(Instant.parse("2026-11-01T05:45:00Z"))).contains(Instant.parse("2026-11-01T05:30:00Z"));
  }

  @Test
  void previousFromInsideTheRepeatedHourOfAnIntervalReturnsTheLastRealQuarter() {
    Schedule quarterly = cron("*/15 * * * *", "America/New_York");

    assertThat(quarterly.previous(Instant.parse("2026-11-01T06:00:00Z"))).contains(Instant.parse("2026-11-01T05:45:00Z"));
    assertThat(quarterly.previous(Instant.parse("2026-11-01T06:00:00.001Z"))).contains(Instant.parse("2026-11-01T06:00:00Z"));
    assertThat(quarterly.previous(Instant.parse("2026-11-01T06:40:00Z"))).contains(Instant.parse("2026-11-01T06:30:00Z"));
    assertThat(quarterly.previous(Instant.parse("2026-11-01T07:00:00Z"))).contains(Instant.parse("2026-11-01T06:45:00Z"));
    assertThat(quarterly.previous(Instant.parse("2026-03-08T07:00:00Z"))).contains(Instant.parse("2026-03-08T06:45:00Z"));
  }

  @Test
  void previousFromTheEndOfAGapDoesNotReturnTheGapsOwnFire() {
    Schedule twoThirty = cron("30 2 * * *", "America/New_York");
    Instant gapEnd = Instant.parse("2026-03-08T07:00:00Z");

    assertThat(twoThirty.previous(gapEnd)).contains(Instant.parse("2026-03-07T07:30:00Z"));
    assertThat(twoThirty.previous(gapEnd.plusNanos(1))).contains(gapEnd);
  }

  @Test
  void everySecondAcrossSpringForwardHasNoGapInInstantsAndNoDuplicate() {
    Schedule everySecond = cron("* * * * * *", "America/New_York");

    assertThat(everySecond.preview(Instant.parse("2026-03-08T06:59:58Z"), 3))
        .containsExactly(
            Instant.parse("2026-03-08T06:59:59Z"), Instant.parse("2026-03-08T07:00:00Z"), Instant.parse("2026-03-08T07:00:01Z"));
  }

  @Test
  void everySecondAcrossFallBackFiresEverySecondOfRealTime() {
    Schedule everySecond = cron("* * * * * *", "America/New_York");

    List<Instant> fires = everySecond.preview(Instant.parse("2026-11-01T04:59:59Z"), 3 * 3600);

    assertThat(fires.get(0)).isEqualTo(Instant.parse("2026-11-01T05:00:00Z"));
    for (int i = 1; i < fires.size(); i++) {
      assertThat(Duration.between(fires.get(i - 1), fires.get(i))).isEqualTo(Duration.ofSeconds(1));
    }
    assertThat(everySecond.next(Instant.parse("2026-11-01T06:00:00Z"))).contains(Instant.parse("2026-11-01T06:00:01Z"));
    assertThat(everySecond.previous(Instant.parse("2026-11-01T06:00:00Z"))).contains(Instant.parse("2026-11-01T05:59:59Z"));
  }

  @Test
  void everySecondOfAFixedHourAcrossFallBackFiresOnlyInTheFirstPass() {
    Schedule everySecond = cron("* * 1 * * *", "America/New_York");
    Instant secondPassStart = Instant.parse("2026-11-01T06:00:00Z");
    Instant secondPassEnd = Instant.parse("2026-11-01T07:00:00Z");

    Instant nextDay = Instant.parse("2026-11-02T06:00:00Z"); // 01:00 EST

    List<Instant> fires = everySecond.preview(Instant.parse("2026-11-01T05:00:00Z"), 7200);

    assertThat(fires).doesNotHaveDuplicates().isSorted();
    assertThat(fires).noneMatch(t -> !t.isBefore(secondPassStart) && t.isBefore(secondPassEnd));
    assertThat(fires).hasSize(7200).contains(Instant.parse("2026-11-01T05:59:59Z"), nextDay);
    assertThat(fires.get(3598)).isEqualTo(Instant.parse("2026-11-01T05:59:59Z"));
    assertThat(fires.get(3599)).isEqualTo(nextDay);
    assertThat(everySecond.next(Instant.parse("2026-11-01T06:30:00Z"))).contains(nextDay);
    assertThat(everySecond.previous(Instant.parse("2026-11-01T06:30:00Z"))).contains(Instant.parse("2026-11-01T05:59:59Z"));
  }

  @Test
  void nextFromInsideTheRepeatedHourJumpsWithoutIteratingEverySecond() {
    // a per-second cron of a fixed hour started at the second pass's beginning must not walk 3600 candidates
    Schedule everySecond = cron("* * 1 * * *", "America/New_York");

    assertThat(everySecond.next(Instant.parse("2026-11-01T06:00:00Z"))).contains(Instant.parse("2026-11-02T06:00:00Z"));
  }

  @Test
  void aFixedOffsetZoneIsJustAShift() {
    Schedule schedule = Schedules.parse("t", "0 9 * * *", ZoneId.of("+05:30"), null);

    assertThat(schedule.next(Instant.parse("2026-01-01T00:00:00Z"))).contains(Instant.parse("2026-01-01T03:30:00Z"));
    assertThat(schedule.previous(Instant.parse("2026-01-01T03:30:00Z"))).contains(Instant.parse("2025-12-31T03:30:00Z"));
  }

  @Test
  void aDailyCronAroundADaylightChangeIsStill23Or25HoursApart() {
    List<Instant> fires = cron("0 12 * * *", "Europe/London").preview(Instant.parse("2026-03-28T00:00:00Z"), 3);

    assertThat(Duration.between(fires.get(0), fires.get(1))).isEqualTo(Duration.ofHours(23));
    assertThat(Duration.between(fires.get(1), fires.get(2))).isEqualTo(Duration.ofHours(24));
  }
}
