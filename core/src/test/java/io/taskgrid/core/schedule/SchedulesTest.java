package io.taskgrid.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.InvalidArgumentException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SchedulesTest {
  private static final Instant ANCHOR = Instant.parse("2026-01-01T00:00:00Z");

  private static Schedule parse(String expression) {
    return Schedules.parse("trigger.cron", expression, ZoneOffset.UTC, ANCHOR);
  }

  @Test
  void reportsAnOutOfRangeMinuteByFieldNameAndValue() {
    assertThatThrownBy(() -> parse("61 * * * *"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("trigger.cron: minute field must be 0-59, got \"61\" in \"61 * * * *\"")
        .extracting(e -> ((InvalidArgumentException) e).field())
        .isEqualTo("trigger.cron");
  }

  @ParameterizedTest(name = "\"{0}\" -> {1} \"{2}\"")
  @CsvSource(
      delimiter = '|',
      value = {
        "60 * * * * *       | second       | 60",
        "* 60 * * * *       | minute       | 60",
        "0 24 * * *         | hour         | 24",
        "0 0 32 * *         | day-of-month | 32",
        "0 0 0 * *          | day-of-month | 0",
        "0 0 * 13 *         | month        | 13",
        "0 0 * 0 *          | month        | 0",
        "0 0 * * 8          | day-of-week  | 8",
        "0 0 * FOO *        | month        | FOO",
        "0 0 * * MONDAY     | day-of-week  | MONDAY",
        "30-10 * * * *      | minute       | 30-10",
        "*/0 * * * *        | minute       | */0",
        "1- * * * *         | minute       | 1-",
        "1,,2 * * * *       | minute       | 1,,2",
        "0 0 * * 1#6        | day-of-week  | 1#6",
        "0 0 * * MON#0      | day-of-week  | MON#0",
        "0 0 * * L          | day-of-week  | L",
        "0 0 * * 1W         | day-of-week  | 1W",
        "0 0 5#2 * *        | day-of-month | 5#2",
        "0 0 L-31 * *       | day-of-month | L-31",
        "0 0 W * *          | day-of-month | W",
        "0 ٣ * * *          | hour         | ٣",
        "0 0 * * -1         | day-of-week  | -1",
        // cron-utils accepts these, reading them as something else; Taskgrid rejects them
        "0 0 * * FRILL      | day-of-week  | FRILL",
        "0 0 * * 5#2#3      | day-of-week  | 5#2#3",
        "0 0 * * 5#         | day-of-week  | 5#",
        "0 0 15WW * *       | day-of-month | 15WW",
        "0 0 15L * *        | day-of-month | 15L",
        "0 0 * * SUNSAT     | day-of-week  | SUNSAT",
        "0 0 * * SUN1       | day-of-week  | SUN1",
        "0 0 * 1JAN *       | month        | 1JAN",
        "0 0 * JANFEB *     | month        | JANFEB",
      })
  void namesTheCronSubFieldAndQuotesTheBadValue(String expression, String subField, String value) {
    assertThatThrownBy(() -> parse(expression))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("trigger.cron: " + subField + " field ")
        .hasMessageContaining("got \"" + value + "\" in \"" + expression + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"* * * *", "* * * * * * *", "hello", "0 0 * * * 2026 extra"})
  void saysFiveOrSixFieldsAreExpected(String expression) {
    assertThatThrownBy(() -> parse(expression))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("trigger.cron: must have 5 fields")
        .hasMessageContaining("or 6")
        .hasMessageContaining("\"" + expression + "\"");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "@every 0s      | @every interval must be at least 1s, got \"0s\"",
        "@every 500ms   | @every interval must be at least 1s, got \"500ms\"",
        "@every PT-5S   | @every interval must be at least 1s, got \"PT-5S\"",
        "@every banana  | @every needs a duration such as 90s, 5m or 1h30m, got \"banana\"",
        "@every         | @every needs a duration such as 90s, 5m or 1h30m, got \"\"",
        "@sometimes     | unknown preset \"@sometimes\"",
        "@everyday      | unknown preset \"@everyday\"",
        "@reboot        | unknown preset \"@reboot\"",
      })
  void rejectsBadPresetsAndIntervalsQuotingTheValue(String expression, String message) {
    assertThatThrownBy(() -> parse(expression))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("trigger.cron: " + message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void rejectsAnEmptyExpression(String expression) {
    assertThatThrownBy(() -> parse(expression))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("trigger.cron: must be a cron expression")
        .hasMessageEndingWith("got \"" + expression + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 L-30 2 *", "0 0 31W 2 *"})
  void rejectsAnExpressionThatNeverFires(String expression) {
    assertThatThrownBy(() -> parse(expression))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("trigger.cron: never fires: no date matches its day-of-month, month and day-of-week, in \"" + expression + "\"");
  }

  @Test
  void neverLetsACronUtilsExceptionEscape() {
    String[] garbage = {
      "* * * * ?#", "# # # # #", "L L L L L", "/ / / / /", "- - - - -", ", , , , ,", "*/ * * * *", "1/ * * * *",
      "? ? ? ? ?", "0 0 LW/2 * *", "0 0 1-L/2 * *", "0 0 * * 1#2-3", "0 0 * * 1-5,FRIL", "0 0 15W-20 * *", "0 0 * * 1L-2",
      "9999999999 * * * *", "0 0 * * */9", "0 0 W1 * *", "0 0 LL * *"
    };
    for (String expression : garbage) {
      try {
        parse(expression);
      } catch (RuntimeException e) {
        assertThat(e).as(expression).isInstanceOf(InvalidArgumentException.class);
        assertThat(e.getMessage()).as(expression).startsWith("trigger.cron: ").contains(expression);
      }
    }
  }

  @Test
  void everyCountsFromTheAnchor() {
    assertThat(parse("@every 90s")).isEqualTo(new EverySchedule(Duration.ofSeconds(90), ANCHOR));
    assertThat(parse("@EVERY 1h30m")).isEqualTo(new EverySchedule(Duration.ofMinutes(90), ANCHOR));
    assertThat(parse("  @every   in 5 minutes ")).isEqualTo(new EverySchedule(Duration.ofMinutes(5), ANCHOR));
  }

  @Test
  void cronIgnoresTheAnchor() {
    assertThat(Schedules.parse("t", "@hourly", ZoneOffset.UTC, null)).isInstanceOf(CronSchedule.class);
  }

  @ParameterizedTest
  @CsvSource({
    "Europe/London, Europe/London",
    "UTC, UTC",
    "Asia/Kolkata, Asia/Kolkata",
    "america/new_york, America/New_York",
    "' Pacific/Chatham ', Pacific/Chatham",
    "Etc/GMT-5, Etc/GMT-5"
  })
  void readsTimeZoneNamesInAnyCase(String name, String id) {
    assertThat(Schedules.zone("task.zone", name)).isEqualTo(ZoneId.of(id));
  }

  @Test
  void returnsOneSharedZoneObjectPerName() {
    assertThat(Schedules.zone("z", "Europe/Paris")).isSameAs(Schedules.zone("z", "europe/paris"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"+05:00", "-03:30", "UTC+5", "GMT-02:00", "Z"})
  void rejectsRawOffsetsBecauseTheyIgnoreDaylightSaving(String name) {
    assertThatThrownBy(() -> Schedules.zone("task.zone", name))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("task.zone: must be a time zone name such as Europe/London, UTC or Asia/Kolkata, got \"" + name + "\"")
        .hasMessageContaining("fixed offsets ignore daylight saving");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "Mars/Olympus_Mons", "Europe", "London", "EST5"})
  void rejectsUnknownZoneNames(String name) {
    assertThatThrownBy(() -> Schedules.zone("task.zone", name))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("task.zone: must be a time zone name such as Europe/London, UTC or Asia/Kolkata, got \"" + name + "\"");
  }

  @Test
  void rejectsANullZoneName() {
    assertThatThrownBy(() -> Schedules.zone("task.zone", null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageEndingWith("got null");
  }
}
