package io.taskgrid.core.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.task.DependencyCheck.Decision;
import io.taskgrid.core.task.DependencyCheck.Dependency;
import io.taskgrid.core.task.DependencyCheck.Latest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DependencyCheckTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final Duration WINDOW = Duration.ofHours(1);
  private static final TaskId A = new TaskId("a");
  private static final TaskId B = new TaskId("b");

  private static Dependency ended(TaskId task, ExecutionStatus status, Duration ago) {
    return new Dependency(task, Optional.of(new Latest("e-" + task, status, Optional.of(NOW.minus(ago)))));
  }

  private static Dependency running(TaskId task) {
    return new Dependency(task, Optional.of(new Latest("e-" + task, ExecutionStatus.RUNNING, Optional.empty())));
  }

  private static Decision decide(Instant waitUntil, Dependency... deps) {
    return DependencyCheck.decide(List.of(deps), NOW, WINDOW, waitUntil);
  }

  @Test
  void runsWhenEveryLatestExecutionSucceededWithinTheWindow() {
    assertThat(decide(NOW, ended(A, ExecutionStatus.SUCCEEDED, Duration.ofMinutes(5)), ended(B, ExecutionStatus.SUCCEEDED, WINDOW)))
        .isEqualTo(new Decision.Met());
  }

  @Test
  void isNotMetWhenALatestExecutionFailed() {
    Decision d = decide(NOW.plusSeconds(60), ended(A, ExecutionStatus.SUCCEEDED, Duration.ZERO), ended(B, ExecutionStatus.FAILED, Duration.ZERO));
    assertThat(d).isInstanceOf(Decision.NotMet.class);
    assertThat(((Decision.NotMet) d).reason()).isEqualTo("dependency_not_met:b");
    assertThat(((Decision.NotMet) d).detail()).contains("ended FAILED");
  }

  @Test
  void isNotMetWhenTheSuccessIsOlderThanTheWindow() {
    Decision d = decide(NOW, ended(A, ExecutionStatus.SUCCEEDED, WINDOW.plusMillis(1)));
    assertThat(((Decision.NotMet) d).task()).isEqualTo(A);
    assertThat(((Decision.NotMet) d).detail()).contains("more than 1h ago");
  }

  @Test
  void isNotMetWhenADependencyNeverRan() {
    Decision d = decide(NOW, new Dependency(A, Optional.empty()));
    assertThat(((Decision.NotMet) d).reason()).isEqualTo("dependency_not_met:a");
  }

  @Test
  void skippedAndCancelledDependenciesAreNotSuccesses() {
    assertThat(decide(NOW, ended(A, ExecutionStatus.SKIPPED, Duration.ZERO))).isInstanceOf(Decision.NotMet.class);
    assertThat(decide(NOW, ended(A, ExecutionStatus.CANCELLED, Duration.ZERO))).isInstanceOf(Decision.NotMet.class);
    assertThat(decide(NOW, ended(A, ExecutionStatus.TIMEOUT, Duration.ZERO))).isInstanceOf(Decision.NotMet.class);
  }

  @Test
  void waitsForARunningDependencyUntilTheWaitEnds() {
    assertThat(decide(NOW.plusMillis(1), running(A), ended(B, ExecutionStatus.SUCCEEDED, Duration.ZERO))).isEqualTo(new Decision.Wait(A));
    Decision after = decide(NOW, running(A));
    assertThat(after).isInstanceOf(Decision.NotMet.class);
    assertThat(((Decision.NotMet) after).detail()).contains("still RUNNING");
  }

  @Test
  void aFailedDependencyDecidesWithoutWaitingForARunningOne() {
    assertThat(decide(NOW.plusSeconds(600), running(A), ended(B, ExecutionStatus.FAILED, Duration.ZERO)))
        .isEqualTo(new Decision.NotMet(B, "latest execution e-b of task b ended FAILED"));
  }

  @Test
  void retriesAndQueuedExecutionsAreStillRunning() {
    var retrying = new Dependency(A, Optional.of(new Latest("e-a", ExecutionStatus.RETRY_SCHEDULED, Optional.empty())));
    assertThat(decide(NOW.plusSeconds(1), retrying)).isEqualTo(new Decision.Wait(A));
  }
}
