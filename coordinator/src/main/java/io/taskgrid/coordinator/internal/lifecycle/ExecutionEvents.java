package io.taskgrid.coordinator.internal.lifecycle;

import io.taskgrid.coordinator.internal.store.ExecutionRecord;
import io.taskgrid.coordinator.internal.store.ExecutionStore.ReportedOutcome;
import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.Outcome;
import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.LifecycleEventKind;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.wire.lifecycle.LifecycleEvents;
import java.util.List;

/**
 * The coordinator's execution events, emitted where their change was recorded: queued once the
 * task messages are durable in Kafka, outcomes once Redis recorded them (only those that changed
 * their execution), a cancel once the record says CANCELLED.
 */
public final class ExecutionEvents {
  /** Emits nothing. */
  public static final ExecutionEvents OFF = new ExecutionEvents(LifecycleEvents.OFF);

  private final LifecycleEvents events;

  public ExecutionEvents(LifecycleEvents events) {
    this.events = events;
  }

  /** The events of the process (for task events). */
  public LifecycleEvents events() {
    return events;
  }

  /** {@code messages} were written to the tasks topic: their executions are queued. */
  public void queued(List<TaskMessage> messages) {
    if (!events.isOn()) return;
    for (TaskMessage m : messages) queued(m);
  }

  public void queued(TaskMessage m) {
    events.execution(LifecycleEventKind.EXECUTION_QUEUED, m, io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_PENDING, "", "");
  }

  /** {@code record} is CANCELLED now. */
  public void cancelled(ExecutionRecord r) {
    if (!events.isOn()) return;
    events.emit(LifecycleEvent.newBuilder()
        .setKind(LifecycleEventKind.EXECUTION_CANCELLED)
        .setExecutionId(r.executionId()).setHandler(r.handler()).setTaskId(r.taskId()).setAttempt(Math.max(1, r.attempt()))
        .setStatus(toProto(r.status())).setWorkerId(r.workerId()).setReason(r.reason()).putAllLabels(r.labels())
        .build(), true);
  }

  /**
   * Outcomes were recorded; {@code changed} says, per outcome, whether it changed its execution
   * (a repeated report changes nothing and emits nothing).
   *
   * @param taskIds per outcome, the registered task it is of ("" for none)
   */
  public void recorded(List<ReportedOutcome> outcomes, List<String> taskIds, List<Boolean> changed) {
    if (!events.isOn()) return;
    for (int i = 0; i < outcomes.size(); i++) {
      if (!changed.get(i)) continue;
      ReportedOutcome o = outcomes.get(i);
      events.execution(kindOf(o), o.executionId(), o.handler(), taskIds.get(i), o.attempt(), toProto(statusAfter(o)), o.workerId(),
          reasonOf(o.outcome()));
    }
  }

  /** The kind of event a recorded outcome is. */
  static LifecycleEventKind kindOf(ReportedOutcome o) {
    if (o.nextAttempt() > 0) return LifecycleEventKind.EXECUTION_RETRIED;
    return switch (o.outcome()) {
      case Outcome.Succeeded s -> LifecycleEventKind.EXECUTION_SUCCEEDED;
      case Outcome.Failed f -> LifecycleEventKind.EXECUTION_FAILED;
      case Outcome.TimedOut t -> LifecycleEventKind.EXECUTION_FAILED;
      case Outcome.Skipped s -> LifecycleEventKind.EXECUTION_SKIPPED;
      case Outcome.Cancelled c -> LifecycleEventKind.EXECUTION_CANCELLED;
    };
  }

  /** The status the execution has once the outcome is recorded. */
  static ExecutionStatus statusAfter(ReportedOutcome o) {
    return o.nextAttempt() > 0 ? ExecutionStatus.RETRY_SCHEDULED : o.outcome().status();
  }

  /** Why: the skip or cancel reason, or the error type of a failed attempt. */
  static String reasonOf(Outcome outcome) {
    return switch (outcome) {
      case Outcome.Succeeded s -> "";
      case Outcome.Failed f -> f.errorType();
      case Outcome.TimedOut t -> Outcome.TimedOut.ERROR_TYPE;
      case Outcome.Skipped s -> s.reason();
      case Outcome.Cancelled c -> c.reason();
    };
  }

  static io.taskgrid.proto.v1.ExecutionStatus toProto(ExecutionStatus s) {
    return switch (s) {
      case PENDING -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_PENDING;
      case RUNNING -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_RUNNING;
      case SUCCEEDED -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_SUCCEEDED;
      case FAILED -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_FAILED;
      case TIMEOUT -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_TIMEOUT;
      case SKIPPED -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_SKIPPED;
      case CANCELLED -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_CANCELLED;
      case RETRY_SCHEDULED -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_RETRY_SCHEDULED;
      case QUEUED -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_QUEUED;
    };
  }
}
