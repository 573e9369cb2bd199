package io.taskgrid.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/**
 * What cron-utils 9.2.1 itself does with the expressions Taskgrid works around (CronCompiler's
 * syntax check and CronPattern's own search). If one of these starts failing after an upgrade, a
 * workaround may have become unnecessary; the Taskgrid behaviour is tested elsewhere.
 */
class CronUtilsQuirksTest {
  private static final CronParser PARSER = new CronParser(CronCompiler.DEFINITION);
  private static final ZonedDateTime JAN_1 = ZonedDateTime.parse("2026-01-01T00:00:00Z");

  private static ZonedDateTime next(String sixFields, ZonedDateTime after) {
    return ExecutionTime.forCron(PARSER.parse(sixFields)).nextExecution(after).orElseThrow();
  }

  @Test
  void cronUtilsAndsTheTwoDayFields() {
    // Vixie cron: every 13th and every Friday, so 2 January (a Friday) comes first
    assertThat(next("0 0 0 13 * 5", JAN_1)).isEqualTo(ZonedDateTime.parse("2026-02-13T00:00:00Z"));
  }

  @Test
  void cronUtilsThrowsForANearestWeekdayBeyondTheMonthsEnd() {
    ZonedDateTime jan30 = next("0 0 0 31W * *", JAN_1);

    assertThatThrownBy(() -> next("0 0 0 31W * *", jan30)).isInstanceOf(DateTimeException.class);
  }

  @Test
  void cronUtilsReadsSevenSlashOneAsEveryDayWhenSevenIsMappedToZero() {
    CronDefinition mapped =
        CronDefinitionBuilder.defineCron()
            .withMinutes().and()
            .withHours().and()
            .withDayOfMonth().and()
            .withMonth().and()
            .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).and()
            .instance();
    ExecutionTime sundays = ExecutionTime.forCron(new CronParser(mapped).parse("0 0 * * 7/1"));

    assertThat(sundays.nextExecution(JAN_1).orElseThrow().getDayOfWeek()).isNotEqualTo(DayOfWeek.SUNDAY);
  }

  @Test
  void cronUtilsAcceptsMalformedDayFieldsAsSomethingElse() {
    assertThat(PARSER.parse("0 0 0 * * 5LL").asString()).isEqualTo("0 0 0 * * 5L");
    assertThat(PARSER.parse("0 0 0 * * 5#2#3").asString()).isEqualTo("0 0 0 * * 5#2");
    assertThat(next("0 0 0 15L * *", JAN_1)).isEqualTo(ZonedDateTime.parse("2026-01-31T00:00:00Z"));
  }

  @Test
  void cronUtilsRejectsADayNameWithLInsideAList() {
    assertThatThrownBy(() -> PARSER.parse("0 0 0 * * 1-5,FRIL")).isInstanceOf(IllegalArgumentException.class);
    assertThat(PARSER.parse("0 0 0 * * 1-5,5L")).isNotNull();
  }

  @Test
  void cronUtilsReadsNonAsciiDigits() {
    assertThat(PARSER.parse("0 0 0 * * \u0663").asString()).isEqualTo("0 0 0 * * 3");
  }
}
