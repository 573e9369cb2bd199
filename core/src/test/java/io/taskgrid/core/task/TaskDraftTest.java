package io.taskgrid.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.schedule.MisfirePolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskDraftTest {
  private static TaskDraft draft(String cron, String after, String at, String event, String zone) {
    return new TaskDraft("t1", null, null, "h", null, cron, after, at, event, zone, null, null, null, null, null, null, null, null, null);
  }

  private static TaskDefinition valid(TaskDraft d) {
    return d.validate(SubmissionLimits.DEFAULTS, ZoneOffset.UTC);
  }

  private static void rejects(TaskDraft d, String field) {
    assertThatThrownBy(() -> valid(d)).isInstanceOf(InvalidArgumentException.class)
        .satisfies(e -> assertThat(((InvalidArgumentException) e).field()).isEqualTo(field));
  }

  @Test
  void aDraftWithOnlyIdAndHandlerRunsOnDemandWithDefaults() {
    TaskDefinition d = valid(TaskDraft.of("t1", "h"));
    assertThat(d.trigger()).isEqualTo(new Trigger.OnDemand());
    assertThat(d.name()).isEqualTo("t1");
    assertThat(d.enabled()).isTrue();
    assertThat(d.misfirePolicy()).isEqualTo(new MisfirePolicy.FireOnce());
  }

  @Test
  void badValuesAreRejectedNamingTheirField() {
    rejects(draft("61 * * * *", null, null, null, null), "trigger.cron");
    rejects(draft(null, "soon", null, null, null), "trigger.after");
    rejects(draft(null, "0s", null, null, null), "trigger.after");
    rejects(draft(null, null, "tomorrow", null, null), "trigger.at");
    rejects(draft(null, null, null, "user *", null), "trigger.event");
    rejects(draft("* * * * *", null, null, null, "Mars/Olympus"), "time_zone");
    rejects(draft("* * * * *", "5m", null, null, null), "trigger");
    rejects(new TaskDraft("bad id", null, null, "h", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null), "id");
    rejects(new TaskDraft("t", null, null, "h", null, null, null, null, null, null, null, List.of("ok", "not ok"), null, null, null, null, null, null, null), "tags[1]");
    rejects(new TaskDraft("t", null, null, "h", null, null, null, null, null, null, null, null, null, null, "sometimes", null, null, null, null), "misfire_policy");
    rejects(new TaskDraft("t", null, null, "h", null, null, null, null, null, null, null, null, null, null, "skip", Duration.ofHours(1), null, null, null), "catch_up_window");
    rejects(new TaskDraft("t", null, null, "h", null, null, null, null, null, null, null, null, null, null, null, null, Duration.ofHours(2), null, null), "jitter");
  }

  @Test
  void aLocalAtTimeIsReadInTheTasksZone() {
    TaskDefinition d = valid(draft(null, null, "2026-12-24T18:00", null, "Europe/Paris"));
    assertThat(d.trigger()).isEqualTo(new Trigger.At(Instant.parse("2026-12-24T17:00:00Z")));
    assertThat(valid(draft(null, null, "2026-12-24T17:00:00Z", null, null)).trigger()).isEqualTo(new Trigger.At(Instant.parse("2026-12-24T17:00:00Z")));
  }

  @Test
  void aLocalAtTimeInsideASpringForwardGapMeansTheFirstInstantAfterTheGap() {
    // New York skips 02:00-03:00 on 2026-03-08
    TaskDefinition d = valid(draft(null, null, "2026-03-08T02:30", null, "America/New_York"));
    assertThat(d.trigger()).isEqualTo(new Trigger.At(Instant.parse("2026-03-08T07:00:00Z")));
  }

  @Test
  void aLocalAtTimeInsideAFallBackOverlapMeansItsFirstOccurrence() {
    // New York repeats 01:00-02:00 on 2026-11-01; the first 01:30 is EDT (UTC-4)
    TaskDefinition d = valid(draft(null, null, "2026-11-01T01:30", null, "America/New_York"));
    assertThat(d.trigger()).isEqualTo(new Trigger.At(Instant.parse("2026-11-01T05:30:00Z")));
    assertThat(d.zone()).contains(ZoneId.of("America/New_York"));
  }

  @Test
  void anAtInThePastIsRejectedWhenRegistered() {
    TaskDefinition d = valid(draft(null, null, "2020-01-01T00:00:00Z", null, null));
    assertThatThrownBy(() -> d.requireFuture(Instant.parse("2026-01-01T00:00:00Z")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageStartingWith("trigger.at: must be in the future");
  }

  @Test
  void identicalDraftsGiveEqualDefinitions() {
    assertThat(valid(draft("0 2 * * *", null, null, null, "Europe/London")))
        .isEqualTo(valid(draft("0 2 * * *", null, null, null, "Europe/London")));
    assertThat(valid(draft(null, "5m", null, null, null))).isEqualTo(valid(draft(null, "300s", null, null, null)));
  }

  @Test
  void anAfterBeyondTenThousandYearsIsRejectedNamingTheValue() {
    assertThatThrownBy(() -> valid(draft(null, "PT9223372036854775807S", null, null, null)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("trigger.after: must be within 10,000 years")
        .hasMessageContaining("PT2562047788015215H30M7S");
    assertThat(valid(draft(null, "3650d", null, null, null)).trigger()).isEqualTo(new Trigger.After(Duration.ofDays(3650)));
  }

  @Test
  void anAfterIsKeptToTheMillisecondItIsStoredWith() {
    assertThat(valid(draft(null, "PT1.0005S", null, null, null)).trigger()).isEqualTo(new Trigger.After(Duration.ofMillis(1000)));
    rejects(draft(null, "PT0.0005S", null, null, null), "trigger.after");
  }

  @Test
  void anAtOutsideYearsOneTo9999IsRejectedNamingTheValue() {
    assertThatThrownBy(() -> valid(draft(null, null, "+10000-01-01T00:00:00Z", null, null)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("trigger.at: must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got +10000-01-01T00:00:00Z");
    rejects(draft(null, null, "+999999999-12-31T23:59:59", null, "America/New_York"), "trigger.at");
    rejects(draft(null, null, "-999999999-01-01T00:00:00Z", null, null), "trigger.at");
    assertThat(valid(draft(null, null, "9999-12-31T23:59:59Z", null, null)).trigger())
        .isEqualTo(new Trigger.At(Instant.parse("9999-12-31T23:59:59Z")));
  }

  @Test
  void aCatchUpWindowFinerThanAMillisecondIsRejectedNamingIt() {
    assertThatThrownBy(() -> valid(new TaskDraft("t", null, null, "h", null, null, null, null, null, null, null, null, null, null, "catch_up",
        Duration.ofSeconds(1, 5), null, null, null)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("catch_up_window: must be a whole number of milliseconds, got PT1.000000005S");
  }
}
