package io.taskgrid.core.task;

import java.time.Instant;
import java.util.Objects;

/**
 * How far a task's schedule has fired: written by the leading coordinator in the same Kafka
 * transaction as the executions it fired, so progress and executions never disagree.
 *
 * @param taskCreatedAt creation instant of the task it belongs to: a task deleted and created again
 *     under the same id starts with no progress
 * @param completed a one-off task has fired (or its fire was dropped) and leaves the schedule
 */
public record FireProgress(Instant taskCreatedAt, Instant lastFireTime, String lastExecutionId, boolean completed) {
  public FireProgress {
    Objects.requireNonNull(taskCreatedAt, "taskCreatedAt");
    Objects.requireNonNull(lastFireTime, "lastFireTime");
    Objects.requireNonNull(lastExecutionId, "lastExecutionId");
  }

  public boolean belongsTo(RegisteredTask task) {
    return taskCreatedAt.equals(task.createdAt());
  }
}
