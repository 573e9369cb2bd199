package io.taskgrid.coordinator.internal.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.store.ExecutionStore.ReportedOutcome;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.Payload;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.LifecycleEventKind;
import io.taskgrid.wire.lifecycle.LifecycleEvents;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExecutionEventsTest {
  private static final Instant T = Instant.parse("2026-12-01T12:00:00Z");
  private final List<LifecycleEvent> emitted = new ArrayList<>();
  private final ExecutionEvents events = new ExecutionEvents(new LifecycleEvents(emitted::add, "c-1", Clock.fixed(T, ZoneOffset.UTC)));

  private static ReportedOutcome outcome(Outcome o) {
    return new ReportedOutcome("e-1", 1, "h", "w-1", o);
  }

  @Test
  void eachRecordedOutcomeIsTheKindOfEventItsEndIs() {
    assertThat(ExecutionEvents.kindOf(outcome(new Outcome.Succeeded(T, T, Payload.EMPTY)))).isEqualTo(LifecycleEventKind.EXECUTION_SUCCEEDED);
    assertThat(ExecutionEvents.kindOf(outcome(new Outcome.Failed(T, T, "java.io.IOException", "x")))).isEqualTo(LifecycleEventKind.EXECUTION_FAILED);
    assertThat(ExecutionEvents.kindOf(outcome(new Outcome.TimedOut(T, T, "late")))).isEqualTo(LifecycleEventKind.EXECUTION_FAILED);
    assertThat(ExecutionEvents.kindOf(outcome(new Outcome.Skipped(T, T, "misfire")))).isEqualTo(LifecycleEventKind.EXECUTION_SKIPPED);
    assertThat(ExecutionEvents.kindOf(outcome(new Outcome.Cancelled(T, T, "replaced")))).isEqualTo(LifecycleEventKind.EXECUTION_CANCELLED);
  }

  @Test
  void aFailureWithANextAttemptIsARetry() {
    ReportedOutcome retried = new ReportedOutcome("e-1", 1, "h", "w-1", new Outcome.Failed(T, T, "java.io.IOException", "x"), 2,
        Optional.of(T.plusSeconds(1)));

    events.recorded(List.of(retried), List.of("nightly"), List.of(true));

    LifecycleEvent e = emitted.get(0);
    assertThat(e.getKind()).isEqualTo(LifecycleEventKind.EXECUTION_RETRIED);
    assertThat(e.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_RETRY_SCHEDULED);
    assertThat(e.getReason()).isEqualTo("java.io.IOException");
    assertThat(e.getTaskId()).isEqualTo("nightly");
    assertThat(e.getAttempt()).isEqualTo(1);
  }

  @Test
  void onlyOutcomesThatChangedTheirExecutionAreEmitted() {
    events.recorded(List.of(outcome(new Outcome.TimedOut(T, T, "late")), outcome(new Outcome.Skipped(T, T, "misfire"))), List.of("", ""),
        List.of(false, true));

    assertThat(emitted).hasSize(1);
    assertThat(emitted.get(0).getKind()).isEqualTo(LifecycleEventKind.EXECUTION_SKIPPED);
    assertThat(emitted.get(0).getReason()).isEqualTo("misfire");
  }

  @Test
  void aTimeoutIsAFailedEventWithTheTimeoutStatus() {
    events.recorded(List.of(outcome(new Outcome.TimedOut(T, T, "late"))), List.of(""), List.of(true));

    assertThat(emitted.get(0).getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_TIMEOUT);
    assertThat(emitted.get(0).getReason()).isEqualTo(Outcome.TimedOut.ERROR_TYPE);
  }
}
