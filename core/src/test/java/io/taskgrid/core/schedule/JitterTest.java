package io.taskgrid.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JitterTest {
  private static final Instant FIRE = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void givesTheSameOffsetForTheSameTaskAndFireTime() {
    Duration max = Duration.ofSeconds(30);

    assertThat(Jitter.offset("nightly-report", FIRE, max)).isEqualTo(Jitter.offset("nightly-report", FIRE, max));
  }

  @Test
  void staysWithinZeroInclusiveAndMaxExclusive() {
    Duration max = Duration.ofMillis(7);
    for (int i = 0; i < 10_000; i++) {
      Duration offset = Jitter.offset("task-" + i, FIRE.plusSeconds(i), max);
      assertThat(offset).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(max);
    }
  }

  @Test
  void spreadsTasksSharingAFireTimeAcrossTheWindow() {
    Duration max = Duration.ofMinutes(1);
    int[] perTenSeconds = new int[6];
    Set<Duration> distinct = new HashSet<>();
    for (int i = 0; i < 6000; i++) {
      Duration offset = Jitter.offset("task-" + i, FIRE, max);
      perTenSeconds[(int) (offset.toSeconds() / 10)]++;
      distinct.add(offset);
    }

    assertThat(Arrays.stream(perTenSeconds).boxed()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
    assertThat(distinct).hasSizeGreaterThan(4000);
  }

  @Test
  void variesWithTheFireTimeForOneTask() {
    Set<Duration> offsets = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      offsets.add(Jitter.offset("hourly-sync", FIRE.plusSeconds(3600L * i), Duration.ofMinutes(5)));
    }

    assertThat(offsets).hasSizeGreaterThan(90);
  }

  @Test
  void isWholeMillisecondsAndZeroBelowOne() {
    assertThat(Jitter.offset("t", FIRE, Duration.ofSeconds(10)).getNano() % 1_000_000).isZero();
    assertThat(Jitter.offset("t", FIRE, Duration.ZERO)).isZero();
    assertThat(Jitter.offset("t", FIRE, Duration.ofNanos(999_999))).isZero();
  }

  @Test
  void rejectsANegativeMax() {
    assertThatThrownBy(() -> Jitter.offset("t", FIRE, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }
}
