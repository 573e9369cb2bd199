package io.taskgrid.coordinator.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KafkaRetryLogTest {
  private static final Instant NOW = Instant.parse("2026-12-02T09:00:00Z");
  private static final Duration AHEAD = Duration.ofMillis(200);

  @Test
  void aRetryTheLeaderWouldReleaseAtOnceGoesStraightToTheTasksTopic() {
    assertThat(KafkaRetryLog.direct(NOW.plusMillis(100), NOW, AHEAD)).isTrue();
    assertThat(KafkaRetryLog.direct(NOW.plusMillis(200), NOW, AHEAD)).isTrue();
    assertThat(KafkaRetryLog.direct(NOW.minusSeconds(5), NOW, AHEAD)).isTrue(); // already late: the report took long
  }

  @Test
  void aLaterRetryWaitsInTheRetriesTopic() {
    assertThat(KafkaRetryLog.direct(NOW.plusMillis(201), NOW, AHEAD)).isFalse();
    assertThat(KafkaRetryLog.direct(NOW.plus(Duration.ofDays(7)), NOW, AHEAD)).isFalse();
  }
}
