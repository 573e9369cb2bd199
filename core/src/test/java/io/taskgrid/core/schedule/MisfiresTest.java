package io.taskgrid.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MisfiresTest {
  private static final Instant ANCHOR = Instant.parse("2026-01-01T00:00:00Z");
  private static final Schedule EVERY_MINUTE = cron("* * * * *");
  private static final Schedule HOURLY = cron("@hourly");
  private static final Schedule EVERY_TEN_MINUTES = new EverySchedule(Duration.ofMinutes(10), ANCHOR);
  private static final Schedule ONCE = new OnceSchedule(Instant.parse("2025-06-01T09:00:00Z"));

  private static Schedule cron(String expression) {
    return Schedules.parse("t", expression, ZoneOffset.UTC, ANCHOR);
  }

  private static Arguments row(
      String name, Schedule schedule, String lastFired, String now, String grace, String policy, int limit, String due, String next) {
    return Arguments.of(name, schedule, lastFired, now, grace, policy, limit, due, next);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // name, schedule, lastFired, now, grace, policy, limit, due (HH:MM:SS on 2026-01-01 unless a full instant), next
        row("on time within grace", EVERY_MINUTE, "11:59:00", "12:00:30", "1m", "skip", 10, "12:00:00", "12:01:00"),
        row("on time within grace, fire_once", EVERY_MINUTE, "11:59:00", "12:00:30", "1m", "fire_once", 10, "12:00:00", "12:01:00"),
        row("on time within grace, catch_up", EVERY_MINUTE, "11:59:00", "12:00:30", "1m", "catch_up", 10, "12:00:00", "12:01:00"),
        row("exactly at grace is on time", EVERY_MINUTE, "11:58:00", "12:01:00", "1m", "skip", 10, "12:00:00 12:01:00", "12:02:00"),
        row("zero grace, fire at now", EVERY_MINUTE, "11:59:00", "12:00:00", "0s", "skip", 10, "12:00:00", "12:01:00"),
        row("skip drops misfires", EVERY_MINUTE, "11:00:00", "12:00:30", "1m", "skip", 10, "12:00:00", "12:01:00"),
        row("fire_once adds the latest misfire", EVERY_MINUTE, "11:00:00", "12:00:30", "1m", "fire_once", 10, "11:59:00 12:00:00", "12:01:00"),
        row("catch_up within its window", EVERY_MINUTE, "11:00:00", "12:00:30", "1m", "catch_up:5m", 10,
            "11:56:00 11:57:00 11:58:00 11:59:00 12:00:00", "12:01:00"),
        row("catch_up keeps the most recent up to limit", EVERY_MINUTE, "11:00:00", "12:00:30", "1m", "catch_up:5m", 3,
            "11:58:00 11:59:00 12:00:00", "12:01:00"),
        row("catch_up stops at lastFired", EVERY_MINUTE, "11:58:00", "12:00:30", "1m", "catch_up:5m", 10, "11:59:00 12:00:00", "12:01:00"),
        row("catch_up window shorter than grace", EVERY_MINUTE, "11:00:00", "12:00:30", "3m", "catch_up:1m", 10,
            "11:58:00 11:59:00 12:00:00", "12:01:00"),
        row("fire_once limited by on-time fires", EVERY_MINUTE, "11:00:00", "12:00:30", "5m", "fire_once", 2, "11:59:00 12:00:00", "12:01:00"),
        row("lastFired == now", EVERY_MINUTE, "12:00:00", "12:00:00", "1m", "catch_up", 10, "", "12:01:00"),
        row("lastFired after now (clock stepped back)", EVERY_MINUTE, "12:05:00", "12:00:30", "1m", "catch_up", 10, "", "12:01:00"),
        row("nothing due between fires", HOURLY, "12:00:00", "12:30:00", "1m", "fire_once", 10, "", "13:00:00"),
        row("all missed, skip", HOURLY, "08:00:00", "12:30:00", "1m", "skip", 10, "", "13:00:00"),
        row("all missed, fire_once", HOURLY, "08:00:00", "12:30:00", "1m", "fire_once", 10, "12:00:00", "13:00:00"),
        row("all missed, catch_up:1h", HOURLY, "08:00:00", "12:30:00", "1m", "catch_up:1h", 10, "12:00:00", "13:00:00"),
        row("all missed, catch_up:3h", HOURLY, "08:00:00", "12:30:00", "1m", "catch_up:3h", 10, "10:00:00 11:00:00 12:00:00", "13:00:00"),
        row("all missed, catch_up:20m", HOURLY, "08:00:00", "12:30:00", "1m", "catch_up:20m", 10, "", "13:00:00"),
        row("every, skip", EVERY_TEN_MINUTES, "11:30:00", "12:05:00", "1m", "skip", 10, "", "12:10:00"),
        row("every, fire_once", EVERY_TEN_MINUTES, "11:30:00", "12:05:00", "1m", "fire_once", 10, "12:00:00", "12:10:00"),
        row("every, catch_up", EVERY_TEN_MINUTES, "11:30:00", "12:05:00", "1m", "catch_up:30m", 10, "11:40:00 11:50:00 12:00:00", "12:10:00"),
        row("once missed long ago, skip", ONCE, "2025-01-01T00:00:00Z", "12:00:00", "1m", "skip", 10, "", ""),
        row("once missed long ago, fire_once", ONCE, "2025-01-01T00:00:00Z", "12:00:00", "1m", "fire_once", 10, "2025-06-01T09:00:00Z", ""),
        row("once missed long ago, catch_up", ONCE, "2025-01-01T00:00:00Z", "12:00:00", "1m", "catch_up:1d", 10, "", ""),
        row("once already fired", ONCE, "2025-06-01T09:00:00Z", "12:00:00", "1m", "fire_once", 10, "", ""),
        row("once still ahead", ONCE, "2025-01-01T00:00:00Z", "2025-05-01T00:00:00Z", "1m", "fire_once", 10, "", "2025-06-01T09:00:00Z"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void plansAsTheTableSays(
      String name, Schedule schedule, String lastFired, String now, String grace, String policy, int limit, String due, String next) {
    FirePlan plan =
        Misfires.plan(
            schedule, instant(lastFired), instant(now), Durations.parse("grace", grace), MisfirePolicy.parse("policy", policy), limit);

    assertThat(plan.due()).containsExactlyElementsOf(instants(due));
    assertThat(plan.next()).isEqualTo(next.isEmpty() ? Optional.empty() : Optional.of(instant(next)));
  }

  @Test
  void aPerSecondCronAfterThirtyDaysDownOnlyLooksAtTheWindowAndTheLimit() {
    Schedule everySecond = cron("* * * * * *");
    Instant now = Instant.parse("2026-02-01T00:00:00Z");
    Instant lastFired = now.minus(Duration.ofDays(30));

    FirePlan catchUp = Misfires.plan(everySecond, lastFired, now, Duration.ofSeconds(5), new MisfirePolicy.CatchUp(Duration.ofHours(1)), 100);
    FirePlan skip = Misfires.plan(everySecond, lastFired, now, Duration.ofSeconds(5), new MisfirePolicy.Skip(), 100);
    FirePlan once = Misfires.plan(everySecond, lastFired, now, Duration.ofSeconds(5), new MisfirePolicy.FireOnce(), 100);

    assertThat(catchUp.due()).hasSize(100).startsWith(now.minusSeconds(99)).endsWith(now).isSorted();
    assertThat(skip.due()).containsExactlyElementsOf(everySecond.preview(now.minusSeconds(6), 6));
    assertThat(once.due()).hasSize(7).startsWith(now.minusSeconds(6)).endsWith(now);
    assertThat(catchUp.next()).contains(now.plusSeconds(1));
  }

  @Test
  void skipListsEveryDroppedFireAfterTheLastFiredOne() {
    FirePlan plan = Misfires.plan(EVERY_MINUTE, instant("11:55:00"), instant("12:00:30"), Duration.ofMinutes(1), new MisfirePolicy.Skip(), 10, 100, 1000);

    assertThat(plan.due()).containsExactly(instant("12:00:00"));
    assertThat(plan.skipped().listed()).containsExactlyElementsOf(instants("11:56:00 11:57:00 11:58:00 11:59:00"));
    assertThat(plan.skipped().unlisted()).isZero();
    assertThat(plan.skipped().unlistedExact()).isTrue();
  }

  @Test
  void fireOnceSkipsTheMissedFiresBeforeTheOneItRuns() {
    FirePlan plan = Misfires.plan(EVERY_MINUTE, instant("11:55:00"), instant("12:00:30"), Duration.ZERO, new MisfirePolicy.FireOnce(), 10, 100, 1000);

    assertThat(plan.due()).containsExactly(instant("12:00:00"));
    assertThat(plan.skipped().listed()).containsExactlyElementsOf(instants("11:56:00 11:57:00 11:58:00 11:59:00"));
  }

  @Test
  void catchUpSkipsOnlyWhatIsOutsideItsWindowOrBeyondTheLimit() {
    FirePlan window = Misfires.plan(EVERY_MINUTE, instant("11:55:00"), instant("12:00:30"), Duration.ZERO,
        new MisfirePolicy.CatchUp(Duration.ofMinutes(2)), 10, 100, 1000);
    FirePlan limited = Misfires.plan(EVERY_MINUTE, instant("11:55:00"), instant("12:00:30"), Duration.ZERO,
        new MisfirePolicy.CatchUp(Duration.ofHours(1)), 2, 100, 1000);

    assertThat(window.due()).containsExactlyElementsOf(instants("11:59:00 12:00:00"));
    assertThat(window.skipped().listed()).containsExactlyElementsOf(instants("11:56:00 11:57:00 11:58:00"));
    assertThat(limited.due()).containsExactlyElementsOf(instants("11:59:00 12:00:00"));
    assertThat(limited.skipped().listed()).containsExactlyElementsOf(instants("11:56:00 11:57:00 11:58:00"));
  }

  @Test
  void nothingOnTimeIsSkipped() {
    FirePlan plan = Misfires.plan(EVERY_MINUTE, instant("11:59:00"), instant("12:00:30"), Duration.ofMinutes(1), new MisfirePolicy.Skip(), 10, 100, 1000);

    assertThat(plan.skipped().isEmpty()).isTrue();
  }

  @Test
  void aOneOffWhoseTimeWasMissedIsSkipped() {
    FirePlan plan = Misfires.plan(ONCE, Instant.parse("2025-01-01T00:00:00Z"), ANCHOR, Duration.ofMinutes(1), new MisfirePolicy.Skip(), 10, 100, 1000);

    assertThat(plan.due()).isEmpty();
    assertThat(plan.skipped().listed()).containsExactly(Instant.parse("2025-06-01T09:00:00Z"));
  }

  @Test
  void thirtyDaysOfPerSecondMisfiresAreListedAndCountedOnlyUpToTheLimits() {
    Schedule everySecond = cron("* * * * * *");
    Instant now = Instant.parse("2026-02-01T00:00:00Z");
    Instant lastFired = now.minus(Duration.ofDays(30));

    FirePlan plan = Misfires.plan(everySecond, lastFired, now, Duration.ofSeconds(5), new MisfirePolicy.Skip(), 100, 50, 1000);

    FirePlan.Skipped skipped = plan.skipped();
    assertThat(skipped.listed()).hasSize(50).isSorted().endsWith(now.minusSeconds(6)).startsWith(now.minusSeconds(55));
    assertThat(skipped.unlisted()).isEqualTo(1000);
    assertThat(skipped.unlistedNewest()).contains(now.minusSeconds(56));
    assertThat(skipped.unlistedExact()).isFalse();
  }

  @Test
  void aCountThatReachesTheLastFiredFireIsExact() {
    FirePlan plan = Misfires.plan(EVERY_MINUTE, instant("11:00:00"), instant("12:00:30"), Duration.ZERO, new MisfirePolicy.Skip(), 10, 10, 1000);

    assertThat(plan.skipped().listed()).hasSize(10).endsWith(instant("12:00:00"));
    assertThat(plan.skipped().unlisted()).isEqualTo(50);
    assertThat(plan.skipped().unlistedNewest()).contains(instant("11:50:00"));
    assertThat(plan.skipped().unlistedExact()).isTrue();
  }

  @Test
  void withoutListOrCountLimitsNothingIsLookedFor() {
    FirePlan plan = Misfires.plan(EVERY_MINUTE, instant("11:00:00"), instant("12:00:30"), Duration.ZERO, new MisfirePolicy.Skip(), 10);

    assertThat(plan.skipped()).isEqualTo(FirePlan.Skipped.NONE);
  }

  @Test
  void dueIsAscendingAndUnmodifiable() {
    FirePlan plan = Misfires.plan(EVERY_MINUTE, instant("11:00:00"), instant("12:00:30"), Duration.ofMinutes(10), new MisfirePolicy.Skip(), 5);

    assertThat(plan.due()).isSorted().hasSize(5);
    assertThatThrownBy(() -> plan.due().add(ANCHOR)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsANegativeGraceAndALimitBelowOne() {
    assertThatThrownBy(() -> Misfires.plan(EVERY_MINUTE, ANCHOR, ANCHOR, Duration.ofSeconds(-1), new MisfirePolicy.Skip(), 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Misfires.plan(EVERY_MINUTE, ANCHOR, ANCHOR, Duration.ZERO, new MisfirePolicy.Skip(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Instant instant(String text) {
    return Instant.parse(text.contains("T") ? text : "2026-01-01T" + text + "Z");
  }

  private static List<Instant> instants(String text) {
    return text.isBlank() ? List.of() : Arrays.stream(text.trim().split("\\s+")).map(MisfiresTest::instant).toList();
  }
}
