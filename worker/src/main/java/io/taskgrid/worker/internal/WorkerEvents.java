package io.taskgrid.worker.internal;

import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.LifecycleEventKind;
import io.taskgrid.wire.lifecycle.LifecycleEvents;

/**
 * The lifecycle events a worker emits, after it recorded their change in Redis: an attempt
 * started (its claim made the execution RUNNING), an execution waits for a concurrency permit or
 * rate budget (marked QUEUED). Outcomes are emitted by the coordinator that records them.
 */
public final class WorkerEvents {
  private final LifecycleEvents events;
  private final String workerId;

  public WorkerEvents(LifecycleEvents events, String workerId) {
    this.events = events;
    this.workerId = workerId;
  }

  /** The claim of {@code run} is recorded and its handler is about to start. */
  public void started(Run run) {
    events.execution(LifecycleEventKind.EXECUTION_STARTED, run.message(), run.attempt(), ExecutionStatus.EXECUTION_STATUS_RUNNING,
        workerId, "");
  }

  /** The execution of {@code d} is marked QUEUED: it waits for admission. */
  public void waiting(Delivery d) {
    events.execution(LifecycleEventKind.EXECUTION_WAITING, d.message(), ExecutionStatus.EXECUTION_STATUS_QUEUED, workerId, "");
  }
}
