package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.Outcome;
import io.taskgrid.worker.internal.admission.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DispatchPlanTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static Instant at(long millis) {
    return NOW.plusMillis(millis);
  }

  @Test
  void aClaimedExecutionStartsNowAndItsDeadlineIsItsTimeoutAway() {
    assertThat(DispatchPlan.step(new ClaimResult.Claimed(1), NOW, Optional.empty(), TIMEOUT))
        .isEqualTo(new DispatchPlan.Step.Run(1, NOW, at(30_000)));
  }

  @Test
  void aFireWrittenAheadStartsAtItsNotBeforeAndItsDeadlineCountsFromThen() {
    assertThat(DispatchPlan.step(new ClaimResult.Claimed(1), NOW, Optional.of(at(200)), TIMEOUT))
        .isEqualTo(new DispatchPlan.Step.Run(1, at(200), at(30_200)));
  }

  @Test
  void aNotBeforeAlreadyPassedStartsNow() {
    assertThat(DispatchPlan.step(new ClaimResult.Claimed(3), NOW, Optional.of(at(-1)), Duration.ofMillis(1500)))
        .isEqualTo(new DispatchPlan.Step.Run(3, NOW, at(1500)));
    assertThat(DispatchPlan.step(new ClaimResult.Claimed(3), NOW, Optional.of(NOW), Duration.ofMillis(1500)))
        .isEqualTo(new DispatchPlan.Step.Run(3, NOW, at(1500)));
  }

  @Test
  void aDeliveryThisWorkerAlreadyRunsJoinsTheRun() {
    assertThat(DispatchPlan.step(new ClaimResult.AlreadyMine(), NOW, Optional.empty(), TIMEOUT)).isEqualTo(new DispatchPlan.Step.Attach());
  }

  @Test
  void aFinishedExecutionIsDoneWithoutRunning() {
    assertThat(DispatchPlan.step(new ClaimResult.Finished("SUCCEEDED"), NOW, Optional.of(at(200)), TIMEOUT))
        .isEqualTo(new DispatchPlan.Step.Done());
  }

  @Test
  void anExecutionAnotherWorkerHoldsIsTriedAgainLater() {
    assertThat(DispatchPlan.step(new ClaimResult.HeldBy("w-2"), NOW, Optional.empty(), TIMEOUT)).isEqualTo(new DispatchPlan.Step.RetryLater());
  }

  @Test
  void aRetryWhosePreviousAttemptIsNotYetRecordedIsCheckedAgainSoonThenLessOften() {
    assertThat(DispatchPlan.step(new ClaimResult.PreviousAttemptUnrecorded("w-2"), NOW, Optional.empty(), TIMEOUT))
        .isEqualTo(new DispatchPlan.Step.Recheck());
    Duration max = Duration.ofSeconds(1);
    assertThat(java.util.stream.IntStream.range(0, 8).mapToObj(n -> DispatchPlan.recheckDelay(n, max).toMillis()).toList())
        .containsExactly(20L, 40L, 80L, 160L, 320L, 640L, 1000L, 1000L);
    assertThat(DispatchPlan.recheckDelay(Integer.MAX_VALUE, max)).isEqualTo(max);
  }

  @Test
  void anAdmittedRunStarts() {
    assertThat(DispatchPlan.admission(new Decision.Admit(null), NOW)).isEqualTo(new DispatchPlan.Admission.Start());
  }

  @Test
  void aRunTheGateTurnsAwayEndsAtOnceWithItsReason() {
    assertThat(DispatchPlan.admission(new Decision.Skip(Outcome.Skipped.RATE_LIMITED), at(5)))
        .isEqualTo(new DispatchPlan.Admission.End(new Outcome.Skipped(at(5), at(5), Outcome.Skipped.RATE_LIMITED)));
    assertThat(DispatchPlan.admission(new Decision.Cancel("replaced"), at(5)))
        .isEqualTo(new DispatchPlan.Admission.End(new Outcome.Cancelled(at(5), at(5), "replaced")));
    assertThat(DispatchPlan.admission(new Decision.Invalid("bad key"), at(5)))
        .isEqualTo(new DispatchPlan.Admission.End(new Outcome.Failed(at(5), at(5), Outcome.Failed.INVALID_POLICY, "bad key")));
  }

  @Test
  void aWaitingDeliveryCannotHaveBeenClaimed() {
    assertThatThrownBy(() -> DispatchPlan.admission(new Decision.Wait(Duration.ofMillis(100)), NOW)).isInstanceOf(IllegalStateException.class);
  }
}
