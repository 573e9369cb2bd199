package io.taskgrid.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingTest {
  private static final Setting<Duration> LEASE = new Setting<>("TASKGRID_X_LEASE", "10s", "A lease.", Setting::duration);
  private static final Setting<Integer> COUNT = new Setting<>("TASKGRID_X_COUNT", "4", "A count.", Setting::positiveInt);

  @Test
  void readsTheValueOrItsDefault() {
    assertThat(LEASE.read(Map.of())).isEqualTo(Duration.ofSeconds(10));
    assertThat(LEASE.read(Map.of("TASKGRID_X_LEASE", "1h30m"))).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void aValueThatDoesNotParseIsReportedUnderTheVariableWithTheValueAsWritten() {
    assertThatThrownBy(() -> LEASE.read(Map.of("TASKGRID_X_LEASE", "ten seconds")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("TASKGRID_X_LEASE must be a duration such as 500ms, 30s, 5m, 2h or 1d, got 'ten seconds'");
    assertThatThrownBy(() -> COUNT.read(Map.of("TASKGRID_X_COUNT", "four")))
        .hasMessage("TASKGRID_X_COUNT must be a whole number, got 'four'");
    assertThatThrownBy(() -> COUNT.read(Map.of("TASKGRID_X_COUNT", "0")))
        .hasMessage("TASKGRID_X_COUNT must be a positive whole number, got '0'");
  }

  @Test
  void aValueOutOfRangeIsReportedUnderTheVariableWithDurationsWrittenAsPeopleWriteThem() {
    assertThat(LEASE.invalid("must be at least 1s", Duration.ofMillis(500)))
        .hasMessage("TASKGRID_X_LEASE must be at least 1s, got '500ms'");
    assertThat(COUNT.invalid("must be positive", -3)).hasMessage("TASKGRID_X_COUNT must be positive, got '-3'");
  }
}
