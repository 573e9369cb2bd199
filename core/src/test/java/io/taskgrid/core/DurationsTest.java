package io.taskgrid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({
    "500ms, 500",
    "30s, 30000",
    "5m, 300000",
    "2h, 7200000",
    "1d, 86400000",
    "1h30m, 5400000",
    "in 5 minutes, 300000",
    "in 1 day, 86400000",
    "10 seconds, 10000",
    "PT1M, 60000"
  })
  void parsesTheFormsPeopleWrite(String text, long millis) {
    assertThat(Durations.parse("after", text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "5x", "m5", "in five minutes", "1h 30"})
  void rejectsMalformedDurationsNamingTheField(String text) {
    assertThatThrownBy(() -> Durations.parse("after", text))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("after: must be a duration");
  }

  @ParameterizedTest
  @CsvSource({"1500, 1500ms", "30000, 30s", "-5000, -5s", "7200000, 2h"})
  void formatsShortly(long millis, String text) {
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
  }

  @Test
  void formatsDurationsBeyondMillisecondsInSecondsInsteadOfOverflowing() {
    assertThat(Durations.format(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE + "s");
    assertThat(Durations.format(Duration.ofSeconds(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE + "s");
  }
}
