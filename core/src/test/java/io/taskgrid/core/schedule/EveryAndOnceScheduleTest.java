package io.taskgrid.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class EveryAndOnceScheduleTest {
  private static final Instant ANCHOR = Instant.parse("2026-01-01T00:00:00Z");
  private static final EverySchedule EVERY_90S = new EverySchedule(Duration.ofSeconds(90), ANCHOR);

  @Test
  void everyFiresAtTheAnchorPlusWholeIntervalsButNotAtTheAnchor() {
    assertThat(EVERY_90S.preview(ANCHOR, 3))
        .containsExactly(
            Instant.parse("2026-01-01T00:01:30Z"), Instant.parse("2026-01-01T00:03:00Z"), Instant.parse("2026-01-01T00:04:30Z"));
    assertThat(EVERY_90S.next(ANCHOR.minusSeconds(3600))).contains(Instant.parse("2026-01-01T00:01:30Z"));
  }

  @Test
  void everyIsStrictOnBothSides() {
    Instant fire = Instant.parse("2026-01-01T00:03:00Z");

    assertThat(EVERY_90S.next(fire)).contains(Instant.parse("2026-01-01T00:04:30Z"));
    assertThat(EVERY_90S.next(fire.minusNanos(1))).contains(fire);
    assertThat(EVERY_90S.previous(fire)).contains(Instant.parse("2026-01-01T00:01:30Z"));
    assertThat(EVERY_90S.previous(fire.plusNanos(1))).contains(fire);
  }

  @Test
  void everyHasNoFireBeforeTheFirstInterval() {
    assertThat(EVERY_90S.previous(Instant.parse("2026-01-01T00:01:30Z"))).isEmpty();
    assertThat(EVERY_90S.previous(ANCHOR)).isEmpty();
    assertThat(EVERY_90S.previous(ANCHOR.minusSeconds(5))).isEmpty();
  }

  @Test
  void everyJumpsStraightToAFireYearsLater() {
    Instant later = Instant.parse("2036-07-01T12:34:56.789Z");

    Instant next = EVERY_90S.next(later).orElseThrow();
    Instant previous = EVERY_90S.previous(later).orElseThrow();

    assertThat(Duration.between(previous, next)).isEqualTo(Duration.ofSeconds(90));
    assertThat(previous).isBefore(later);
    assertThat(next).isAfter(later);
    assertThat(Duration.between(ANCHOR, next).toSeconds() % 90).isZero();
  }

  @Test
  void everyCountsElapsedTimeAcrossDaylightSaving() {
    Schedule hourly = Schedules.parse("t", "@every 1h", ZoneId.of("America/New_York"), Instant.parse("2026-03-08T05:00:00Z"));

    assertThat(hourly.preview(Instant.parse("2026-03-08T05:00:00Z"), 3))
        .containsExactly(
            Instant.parse("2026-03-08T06:00:00Z"), Instant.parse("2026-03-08T07:00:00Z"), Instant.parse("2026-03-08T08:00:00Z"));
  }

  @Test
  void everyEndsQuietlyAtTheEndOfTime() {
    assertThat(EVERY_90S.next(Instant.MAX)).isEmpty();
    assertThat(new EverySchedule(Duration.ofSeconds(Long.MAX_VALUE), ANCHOR).next(ANCHOR)).isEmpty();
  }

  @Test
  void everyRejectsIntervalsUnderOneSecond() {
    assertThatThrownBy(() -> new EverySchedule(Duration.ofMillis(999), ANCHOR)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EverySchedule(Duration.ZERO, ANCHOR)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onceFiresOnlyAtItsInstant() {
    Instant at = Instant.parse("2026-05-01T09:00:00Z");
    OnceSchedule once = new OnceSchedule(at);

    assertThat(once.next(at.minusNanos(1))).contains(at);
    assertThat(once.next(at)).isEmpty();
    assertThat(once.previous(at.plusNanos(1))).contains(at);
    assertThat(once.previous(at)).isEmpty();
    assertThat(once.preview(Instant.MIN, 5)).containsExactly(at);
  }
}
