package io.taskgrid.client;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A registered task as the cluster holds it at one moment: its definition, where it stands and
 * its schedule. Returned by every {@link Tasks} call that reads or changes a task.
 *
 * @param definition the definition as last created or updated
 * @param state where the task stands
 * @param createdAt when it was created
 * @param updatedAt when its definition or state last changed
 * @param nextFireTime when its trigger fires next; empty for event-triggered, on-demand, paused,
 *     disabled and completed tasks
 * @param lastFireTime when it last fired, if ever: its trigger's latest fire (cron, one-off, or an event's
 *     publish time) or its latest {@code run}, whichever is later
 * @param lastExecutionId the execution of that last fire, if any; usable with {@link
 *     TaskgridClient#get(String)}
 * @param revision increases with every change; pass it to {@link Tasks#update(TaskDefinition,
 *     long)} to update only the version you read
 * @param sideState for a side task, where its single instance stands; empty for other tasks and
 *     for a side task that has not run yet
 */
public record TaskInfo(
    TaskDefinition definition,
    TaskState state,
    Instant createdAt,
    Instant updatedAt,
    Optional<Instant> nextFireTime,
    Optional<Instant> lastFireTime,
    Optional<String> lastExecutionId,
    long revision,
    Optional<SideTaskState> sideState) {

  /** Rejects nulls: absent values are empty {@code Optional}s. */
  public TaskInfo {
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(nextFireTime, "nextFireTime");
    Objects.requireNonNull(lastFireTime, "lastFireTime");
    Objects.requireNonNull(lastExecutionId, "lastExecutionId");
    Objects.requireNonNull(sideState, "sideState");
  }

  /**
   * The task's id.
   *
   * @return {@code definition().id()}
   */
  public String id() {
    return definition.id();
  }
}
