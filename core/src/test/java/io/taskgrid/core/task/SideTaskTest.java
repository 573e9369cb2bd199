package io.taskgrid.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.InvalidArgumentException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SideTaskTest {
  private final SideTask policy = new SideTask(Duration.ofSeconds(1), Duration.ofSeconds(10), 2.0);

  @Test
  void restartDelayGrowsByTheMultiplierUpToTheMax() {
    assertThat(policy.restartDelay(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.restartDelay(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.restartDelay(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(policy.restartDelay(5)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.restartDelay(1_000)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aRunAsLongAsTheMaxDelayResetsTheFailureCount() {
    assertThat(policy.failuresAfter(3, Duration.ofSeconds(9))).isEqualTo(4);
    assertThat(policy.failuresAfter(3, Duration.ofSeconds(10))).isEqualTo(1);
  }

  @Test
  void unsetValuesReadAsTheDefaults() {
    assertThat(SideTask.of(null, null, 0)).isEqualTo(SideTask.DEFAULTS);
    assertThat(SideTask.of(Duration.ofMinutes(5), null, 0).maxDelay()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void rejectsBadValuesNamingTheField() {
    assertThatThrownBy(() -> SideTask.of(Duration.ofMillis(10), null, 0))
        .isInstanceOf(InvalidArgumentException.class)
        .satisfies(e -> assertThat(((InvalidArgumentException) e).field()).isEqualTo("side.restart_initial_delay"));
    assertThatThrownBy(() -> SideTask.of(Duration.ofSeconds(5), Duration.ofSeconds(1), 0))
        .satisfies(e -> assertThat(((InvalidArgumentException) e).field()).isEqualTo("side.restart_max_delay"));
    assertThatThrownBy(() -> SideTask.of(null, null, 0.5))
        .satisfies(e -> assertThat(((InvalidArgumentException) e).field()).isEqualTo("side.restart_multiplier"));
  }
}
