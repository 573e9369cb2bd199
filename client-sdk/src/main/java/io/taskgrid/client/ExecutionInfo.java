package io.taskgrid.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything known about one execution at one moment. Plain Java values; nullable components are
 * marked, and have {@code Optional} accessors too.
 *
 * @param executionId the id returned at submission
 * @param handler the name of the handler that runs it
 * @param status where it is now
 * @param attempt the current (or last) attempt: 1 for the first run, more after a retry or when it
 *     was started again after its worker died; 0 while no attempt has started
 * @param priority given at submission
 * @param labels given at submission (unmodifiable)
 * @param timeout time limit of one attempt
 * @param idempotencyKey given at submission, or empty
 * @param submittedAt when the coordinator accepted it
 * @param startedAt when the current attempt started; null while pending
 * @param finishedAt when it reached its terminal status; null before
 * @param workerId the worker that ran (or runs) it, or empty
 * @param result what the handler returned; null unless {@link ExecutionStatus#SUCCEEDED}
 * @param error why it failed; null unless {@link ExecutionStatus#FAILED} or {@link
 *     ExecutionStatus#TIMEOUT} ({@link ExecutionStatus#CANCELLED} has one too, of type {@code
 *     taskgrid.Cancelled}); for {@link ExecutionStatus#RETRY_SCHEDULED}, why the last attempt failed
 * @param taskId the id of the registered task that produced it, or empty for a submitted task
 * @param reason for {@link ExecutionStatus#SKIPPED} and {@link ExecutionStatus#CANCELLED}, why:
 *     {@code cancelled}, {@code replaced}, {@code previous_instance_running}, {@code queue_full},
 *     {@code rate_limited}, {@code misfire}, {@code dependency_not_met:<task id>} or the reason
 *     its task's run condition gave; empty otherwise
 * @param attempts every attempt so far, oldest first (the last 100; unmodifiable)
 * @param nextAttemptAt for {@link ExecutionStatus#RETRY_SCHEDULED}: when the next attempt is
 *     released to the workers; null otherwise
 */
public record ExecutionInfo(
    String executionId,
    String handler,
    ExecutionStatus status,
    int attempt,
    Priority priority,
    Map<String, String> labels,
    Duration timeout,
    String idempotencyKey,
    Instant submittedAt,
    Instant startedAt,
    Instant finishedAt,
    String workerId,
    TaskResult result,
    ExecutionError error,
    String taskId,
    String reason,
    List<ExecutionAttempt> attempts,
    Instant nextAttemptAt) {

  /** Rejects nulls where a value is always present, and copies the labels. */
  public ExecutionInfo {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(priority, "priority");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(submittedAt, "submittedAt");
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(reason, "reason");
    attempts = List.copyOf(attempts);
  }

  /**
   * An execution without task id, reason (both empty) and attempt history, as built before they
   * existed.
   *
   * @param executionId the id returned at submission
   * @param handler the name of the handler that runs it
   * @param status where it is now
   * @param attempt the current (or last) attempt
   * @param priority given at submission
   * @param labels given at submission
   * @param timeout time limit of one attempt
   * @param idempotencyKey given at submission, or empty
   * @param submittedAt when the coordinator accepted it
   * @param startedAt when the current attempt started, or null
   * @param finishedAt when it reached its terminal status, or null
   * @param workerId the worker that ran (or runs) it, or empty
   * @param result what the handler returned, or null
   * @param error why it failed, or null
   */
  public ExecutionInfo(String executionId, String handler, ExecutionStatus status, int attempt, Priority priority,
      Map<String, String> labels, Duration timeout, String idempotencyKey, Instant submittedAt, Instant startedAt, Instant finishedAt,
      String workerId, TaskResult result, ExecutionError error) {
    this(executionId, handler, status, attempt, priority, labels, timeout, idempotencyKey, submittedAt, startedAt, finishedAt, workerId,
        result, error, "", "", List.of(), null);
  }

  /**
   * When the next attempt is due.
   *
   * @return {@link #nextAttemptAt()}, empty unless {@link ExecutionStatus#RETRY_SCHEDULED}
   */
  public Optional<Instant> nextAttemptAtIfAny() {
    return Optional.ofNullable(nextAttemptAt);
  }

  /**
   * The start of the current attempt.
   *
   * @return {@link #startedAt()}, empty while pending
   */
  public Optional<Instant> startedAtIfAny() {
    return Optional.ofNullable(startedAt);
  }

  /**
   * When the execution reached its terminal status.
   *
   * @return {@link #finishedAt()}, empty before
   */
  public Optional<Instant> finishedAtIfAny() {
    return Optional.ofNullable(finishedAt);
  }

  /**
   * What the handler returned.
   *
   * @return {@link #result()}, empty unless succeeded
   */
  public Optional<TaskResult> resultIfAny() {
    return Optional.ofNullable(result);
  }

  /**
   * Why the execution failed.
   *
   * @return {@link #error()}, empty unless failed or timed out
   */
  public Optional<ExecutionError> errorIfAny() {
    return Optional.ofNullable(error);
  }
}
