package io.taskgrid.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exercises many calls for correctness under volume; how fast they are belongs in a benchmark. */
class CronScheduleLoadTest {
  @Test
  void computesAHundredThousandNextFiresOnMixedExpressionsAndZones() {
    List<String> expressions =
        List.of("*/5 * * * *", "0 9 * * MON-FRI", "0 0 13 * FRI", "30 2 * * *", "0 0 L * *", "0 0 * * 5L", "*/10 * * * * *",
            "0 0 1W * *", "@hourly", "15 3 1,15 * *", "0 12 * * MON#2");
    List<ZoneId> zones =
        List.of(ZoneId.of("UTC"), ZoneId.of("America/New_York"), ZoneId.of("Europe/London"), ZoneId.of("Australia/Lord_Howe"), ZoneId.of("Asia/Kolkata"));
    List<Schedule> schedules = new ArrayList<>();
    for (String expression : expressions) {
      for (ZoneId zone : zones) {
        schedules.add(Schedules.parse("cron", expression, zone, null));
      }
    }

    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    int computed = 0;
    for (int i = 0; i < 100_000; i++) {
      Schedule schedule = schedules.get(i % schedules.size());
      Instant after = t.plusSeconds(i * 977L);
      Instant next = schedule.next(after).orElseThrow();
      assertThat(next).isAfter(after);
      computed++;
    }

    assertThat(computed).isEqualTo(100_000);
  }

  @Test
  void aMillionSchedulesOfOneExpressionShareTheirCompiledForm() {
    ZoneId zone = Schedules.zone("zone", "Europe/Berlin");
    CronSchedule first = (CronSchedule) Schedules.parse("cron", "0 3 * * *", zone, null);
    for (int i = 0; i < 1_000; i++) {
      CronSchedule again = (CronSchedule) Schedules.parse("cron", "0 3 * * *", Schedules.zone("zone", "Europe/Berlin"), null);
      assertThat(again.expression()).isSameAs(first.expression());
      assertThat(again.zone()).isSameAs(first.zone());
    }
  }
}
