package io.taskgrid.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cron field rules, read in UTC so that no daylight saving is involved. */
class CronSyntaxTest {
  private static Schedule cron(String expression) {
    return Schedules.parse("trigger.cron", expression, ZoneOffset.UTC, null);
  }

  private static List<Instant> instants(String spaceSeparated) {
    return Arrays.stream(spaceSeparated.trim().split("\\s+")).map(Instant::parse).toList();
  }

  @ParameterizedTest(name = "\"{0}\" after {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // steps, ranges, lists
        "*/15 * * * *          | 2026-01-01T00:00:00Z | 2026-01-01T00:15:00Z 2026-01-01T00:30:00Z 2026-01-01T00:45:00Z 2026-01-01T01:00:00Z",
        "10-40/5 * * * *       | 2026-01-01T00:39:00Z | 2026-01-01T00:40:00Z 2026-01-01T01:10:00Z 2026-01-01T01:15:00Z",
        "5/20 * * * *          | 2026-01-01T00:00:00Z | 2026-01-01T00:05:00Z 2026-01-01T00:25:00Z 2026-01-01T00:45:00Z 2026-01-01T01:05:00Z",
        "0,30 9-17 * * MON-FRI | 2026-01-01T17:00:00Z | 2026-01-01T17:30:00Z 2026-01-02T09:00:00Z 2026-01-02T09:30:00Z",
        "0 0 1,15 */3 *        | 2026-01-01T00:00:00Z | 2026-01-15T00:00:00Z 2026-04-01T00:00:00Z 2026-04-15T00:00:00Z",
        // names in any case
        "0 12 * Feb mOn        | 2026-01-01T00:00:00Z | 2026-02-02T12:00:00Z 2026-02-09T12:00:00Z",
        "0 0 * JAN-mar/2 *     | 2026-01-31T00:00:00Z | 2026-03-01T00:00:00Z 2026-03-02T00:00:00Z",
        "0 0 * * sat,SUN       | 2026-01-01T00:00:00Z | 2026-01-03T00:00:00Z 2026-01-04T00:00:00Z 2026-01-10T00:00:00Z",
        // Sunday is 0 and 7, also as the start of a step (cron-utils reads 7/1 as every day)
        "0 0 * * 0             | 2026-01-01T00:00:00Z | 2026-01-04T00:00:00Z 2026-01-11T00:00:00Z",
        "0 0 * * 7             | 2026-01-01T00:00:00Z | 2026-01-04T00:00:00Z 2026-01-11T00:00:00Z",
        "0 0 * * 7/1           | 2026-01-01T00:00:00Z | 2026-01-04T00:00:00Z 2026-01-11T00:00:00Z",
        "0 0 * * 6-7           | 2026-01-01T00:00:00Z | 2026-01-03T00:00:00Z 2026-01-04T00:00:00Z 2026-01-10T00:00:00Z",
        "0 0 * * 5/2           | 2026-01-01T00:00:00Z | 2026-01-02T00:00:00Z 2026-01-04T00:00:00Z 2026-01-09T00:00:00Z",
        // ? means any day
        "0 0 ? * 1             | 2026-01-01T00:00:00Z | 2026-01-05T00:00:00Z 2026-01-12T00:00:00Z",
        "0 0 15 * ?            | 2026-01-01T00:00:00Z | 2026-01-15T00:00:00Z 2026-02-15T00:00:00Z",
        "0 0 ? * ?             | 2026-01-01T00:00:00Z | 2026-01-02T00:00:00Z 2026-01-03T00:00:00Z",
        // last day, days before it, a range to it
        "0 0 L * *             | 2026-01-01T00:00:00Z | 2026-01-31T00:00:00Z 2026-02-28T00:00:00Z 2026-03-31T00:00:00Z 2026-04-30T00:00:00Z",
        "0 0 L 2 *             | 2028-01-01T00:00:00Z | 2028-02-29T00:00:00Z 2029-02-28T00:00:00Z",
        "0 0 L-2 * *           | 2026-01-01T00:00:00Z | 2026-01-29T00:00:00Z 2026-02-26T00:00:00Z 2026-03-29T00:00:00Z",
        "0 0 28-L 2 *          | 2028-01-01T00:00:00Z | 2028-02-28T00:00:00Z 2028-02-29T00:00:00Z 2029-02-28T00:00:00Z",
        "0 0 1,L * *           | 2026-01-01T00:00:00Z | 2026-01-31T00:00:00Z 2026-02-01T00:00:00Z 2026-02-28T00:00:00Z",
        // last weekday of the month
        "0 0 * * 5L            | 2026-01-01T00:00:00Z | 2026-01-30T00:00:00Z 2026-02-27T00:00:00Z 2026-03-27T00:00:00Z",
        "0 0 * * FRIL          | 2026-01-01T00:00:00Z | 2026-01-30T00:00:00Z 2026-02-27T00:00:00Z 2026-03-27T00:00:00Z",
        "0 0 * * 0L            | 2026-01-01T00:00:00Z | 2026-01-25T00:00:00Z 2026-02-22T00:00:00Z 2026-03-29T00:00:00Z",
        // n-th weekday of the month
        "0 0 * * MON#2         | 2026-01-01T00:00:00Z | 2026-01-12T00:00:00Z 2026-02-09T00:00:00Z 2026-03-09T00:00:00Z",
        "0 0 * * 1#2           | 2026-01-01T00:00:00Z | 2026-01-12T00:00:00Z 2026-02-09T00:00:00Z 2026-03-09T00:00:00Z",
        "0 0 * * FRI#5         | 2026-01-01T00:00:00Z | 2026-01-30T00:00:00Z 2026-05-29T00:00:00Z 2026-07-31T00:00:00Z",
        "0 0 * * 1,FRIL        | 2026-01-25T00:00:00Z | 2026-01-26T00:00:00Z 2026-01-30T00:00:00Z 2026-02-02T00:00:00Z",
        "0 0 * * 2#1,5L        | 2026-01-01T00:00:00Z | 2026-01-06T00:00:00Z 2026-01-30T00:00:00Z 2026-02-03T00:00:00Z",
        // nearest weekday, never leaving the month; no fire in months shorter than n
        "0 0 LW * *            | 2026-01-01T00:00:00Z | 2026-01-30T00:00:00Z 2026-02-27T00:00:00Z 2026-03-31T00:00:00Z",
        "0 0 15W * *           | 2026-01-01T00:00:00Z | 2026-01-15T00:00:00Z 2026-02-16T00:00:00Z 2026-03-16T00:00:00Z",
        "0 0 1W * *            | 2026-07-15T00:00:00Z | 2026-08-03T00:00:00Z 2026-09-01T00:00:00Z",
        "0 0 31W * *           | 2026-04-01T00:00:00Z | 2026-05-29T00:00:00Z 2026-07-31T00:00:00Z 2026-08-31T00:00:00Z",
        // both day fields restricted: either matches (Vixie cron), one fire on a day matching both
        "0 0 13 * FRI          | 2026-01-01T00:00:00Z | 2026-01-02T00:00:00Z 2026-01-09T00:00:00Z 2026-01-13T00:00:00Z 2026-01-16T00:00:00Z 2026-01-23T00:00:00Z 2026-01-30T00:00:00Z 2026-02-06T00:00:00Z 2026-02-13T00:00:00Z 2026-02-20T00:00:00Z",
        "0 0 L * MON#1         | 2026-01-01T00:00:00Z | 2026-01-05T00:00:00Z 2026-01-31T00:00:00Z 2026-02-02T00:00:00Z 2026-02-28T00:00:00Z",
        // only one day field restricted: the other does not widen it
        "0 0 * 2 MON           | 2026-01-01T00:00:00Z | 2026-02-02T00:00:00Z 2026-02-09T00:00:00Z",
        // six fields: seconds first
        "30 */10 * * * *       | 2026-01-01T00:00:00Z | 2026-01-01T00:00:30Z 2026-01-01T00:10:30Z 2026-01-01T00:20:30Z",
        "* * * * * *           | 2026-01-01T00:00:00Z | 2026-01-01T00:00:01Z 2026-01-01T00:00:02Z 2026-01-01T00:00:03Z",
        "*/20 0 0 1 1 ?        | 2026-01-01T00:00:00Z | 2026-01-01T00:00:20Z 2026-01-01T00:00:40Z 2027-01-01T00:00:00Z",
        // presets
        "@yearly               | 2026-01-01T00:00:00Z | 2027-01-01T00:00:00Z 2028-01-01T00:00:00Z",
        "@annually             | 2026-06-01T00:00:00Z | 2027-01-01T00:00:00Z",
        "@monthly              | 2026-01-01T00:00:00Z | 2026-02-01T00:00:00Z 2026-03-01T00:00:00Z",
        "@weekly               | 2026-01-01T00:00:00Z | 2026-01-04T00:00:00Z 2026-01-11T00:00:00Z",
        "@daily                | 2026-01-01T00:00:00Z | 2026-01-02T00:00:00Z 2026-01-03T00:00:00Z",
        "@MIDNIGHT             | 2026-01-01T12:00:00Z | 2026-01-02T00:00:00Z",
        "@hourly               | 2026-01-01T00:00:00Z | 2026-01-01T01:00:00Z 2026-01-01T02:00:00Z",
        // leap days: 2100 is not a leap year
        "0 0 29 2 *            | 2025-03-01T00:00:00Z | 2028-02-29T00:00:00Z 2032-02-29T00:00:00Z",
        "0 0 29 2 *            | 2096-03-01T00:00:00Z | 2104-02-29T00:00:00Z",
        "0 0 29 2 *            | 2399-03-01T00:00:00Z | 2400-02-29T00:00:00Z",
      })
  void firesWhereTheFieldsSay(String expression, String after, String expected) {
    List<Instant> fires = instants(expected);
    Schedule schedule = cron(expression);

    assertThat(schedule.preview(Instant.parse(after), fires.size())).containsExactlyElementsOf(fires);
    // and backwards: each fire's predecessor is the one before it
    for (int i = 1; i < fires.size(); i++) {
      assertThat(schedule.previous(fires.get(i))).contains(fires.get(i - 1));
    }
  }

  @Test
  void nextIsStrictlyAfterAndPreviousStrictlyBefore() {
    Schedule hourly = cron("0 * * * *");
    Instant onTheHour = Instant.parse("2026-01-01T05:00:00Z");

    assertThat(hourly.next(onTheHour)).contains(Instant.parse("2026-01-01T06:00:00Z"));
    assertThat(hourly.previous(onTheHour)).contains(Instant.parse("2026-01-01T04:00:00Z"));
    assertThat(hourly.next(onTheHour.minusNanos(1))).contains(onTheHour);
    assertThat(hourly.previous(onTheHour.plusNanos(1))).contains(onTheHour);
  }

  @Test
  void previousFindsLeapDaysAcrossTheCenturyRule() {
    assertThat(cron("0 0 29 2 *").previous(Instant.parse("2104-02-28T00:00:00Z")))
        .contains(Instant.parse("2096-02-29T00:00:00Z"));
  }

  @Test
  void schedulesWithTheSameExpressionShareOneCompiledPattern() {
    CronSchedule a = (CronSchedule) cron("*/5 * * * *");
    CronSchedule b = (CronSchedule) Schedules.parse("x", "  */5   *  * * * ", ZoneOffset.ofHours(2), null);

    assertThat(b.expression()).isSameAs(a.expression()).isEqualTo("*/5 * * * *");
  }

  @Test
  void expressionsAreNormalizedAndPresetsKeepTheirName() {
    assertThat(((CronSchedule) cron("0 12 * feb mon")).expression()).isEqualTo("0 12 * FEB MON");
    assertThat(((CronSchedule) cron("@Daily")).expression()).isEqualTo("@daily");
    assertThat(cron("0 0 * * 0")).isEqualTo(cron("0 0 * * 0")).isNotEqualTo(cron("0 0 * * 7"));
  }

  @Test
  void fireTimesStopAtTheEndOfYear9999() {
    Schedule daily = cron("@daily");

    assertThat(daily.next(Instant.parse("9999-12-31T00:00:00Z"))).isEmpty();
    assertThat(daily.next(Instant.MAX)).isEmpty();
    assertThat(daily.previous(Instant.MIN)).isEmpty();
    assertThat(daily.next(Instant.MIN)).contains(Instant.parse("0001-01-02T00:00:00Z"));
    assertThat(daily.previous(Instant.MAX)).contains(Instant.parse("9999-12-31T00:00:00Z"));
  }
}
