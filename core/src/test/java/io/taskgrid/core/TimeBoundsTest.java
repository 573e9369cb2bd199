package io.taskgrid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimeBoundsTest {
  @ParameterizedTest
  @CsvSource({
    "9223372036854775807, 0, 'timeout: seconds must be between -315576000000 and 315576000000 (10,000 years), got 9223372036854775807'",
    "-9223372036854775808, 0, 'timeout: seconds must be between -315576000000 and 315576000000 (10,000 years), got -9223372036854775808'",
    "315576000001, 0, 'timeout: seconds must be between -315576000000 and 315576000000 (10,000 years), got 315576000001'",
    "0, 1000000000, 'timeout: nanos must be between -999999999 and 999999999, got 1000000000'",
    "0, -1000000000, 'timeout: nanos must be between -999999999 and 999999999, got -1000000000'",
    "0, 2147483647, 'timeout: nanos must be between -999999999 and 999999999, got 2147483647'",
    "5, -1, 'timeout: seconds and nanos must have the same sign, got seconds 5 and nanos -1'",
    "-5, 1, 'timeout: seconds and nanos must have the same sign, got seconds -5 and nanos 1'",
  })
  void rejectsADurationOutsideProtobufsRangeNamingTheFieldAndValue(long seconds, int nanos, String message) {
    assertThatThrownBy(() -> TimeBounds.duration("timeout", seconds, nanos))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void acceptsEveryDurationProtobufAllows() {
    assertThat(TimeBounds.duration("d", 315_576_000_000L, 999_999_999)).isEqualTo(TimeBounds.MAX_DURATION);
    assertThat(TimeBounds.duration("d", -315_576_000_000L, -999_999_999)).isEqualTo(TimeBounds.MIN_DURATION);
    assertThat(TimeBounds.duration("d", 0, -500_000_000)).isEqualTo(Duration.ofMillis(-500));
    assertThat(TimeBounds.duration("d", -1, -500_000_000)).isEqualTo(Duration.ofMillis(-1500));
    assertThat(TimeBounds.duration("d", 0, 0)).isZero();
  }

  @ParameterizedTest
  @CsvSource({
    "9223372036854775807, 0, 'from: seconds must be between -62135596800 (0001-01-01T00:00:00Z) and 253402300799 (9999-12-31T23:59:59Z), got 9223372036854775807'",
    "-62135596801, 0, 'from: seconds must be between -62135596800 (0001-01-01T00:00:00Z) and 253402300799 (9999-12-31T23:59:59Z), got -62135596801'",
    "0, -1, 'from: nanos must be between 0 and 999999999, got -1'",
    "0, 1000000000, 'from: nanos must be between 0 and 999999999, got 1000000000'",
  })
  void rejectsAnInstantOutsideProtobufsRangeNamingTheFieldAndValue(long seconds, int nanos, String message) {
    assertThatThrownBy(() -> TimeBounds.instant("from", seconds, nanos))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void acceptsEveryInstantProtobufAllows() {
    assertThat(TimeBounds.instant("t", -62_135_596_800L, 0)).isEqualTo(TimeBounds.MIN_INSTANT);
    assertThat(TimeBounds.instant("t", 253_402_300_799L, 999_999_999)).isEqualTo(TimeBounds.MAX_INSTANT);
    assertThat(TimeBounds.instant("t", -1, 999_999_999)).isEqualTo(Instant.EPOCH.minusNanos(1));
  }

  @Test
  void holdsValuesReadFromTextToTheSameRanges() {
    assertThatThrownBy(() -> TimeBounds.require("trigger.after", Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("trigger.after: must be within 10,000 years");
    assertThatThrownBy(() -> TimeBounds.require("trigger.at", Instant.MAX))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("trigger.at: must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
    assertThat(TimeBounds.require("t", TimeBounds.MAX_INSTANT)).isEqualTo(TimeBounds.MAX_INSTANT);
    assertThat(TimeBounds.require("d", TimeBounds.MIN_DURATION)).isEqualTo(TimeBounds.MIN_DURATION);
  }
}
