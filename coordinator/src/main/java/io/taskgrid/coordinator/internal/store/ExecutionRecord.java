package io.taskgrid.coordinator.internal.store;

import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.Payload;
import io.taskgrid.core.Priority;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An execution as stored: what GetExecution and watchers report. {@code taskId} is empty unless a
 * registered task produced it; {@code reason} is empty unless SKIPPED or CANCELLED.
 *
 * @param attempts every attempt so far, oldest first (the last 100)
 * @param nextAttemptAt for RETRY_SCHEDULED: when the next attempt is released
 */
public record ExecutionRecord(
    String executionId,
    String handler,
    ExecutionStatus status,
    int attempt,
    Priority priority,
    Map<String, String> labels,
    Duration timeout,
    String idempotencyKey,
    Instant submittedAt,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    String workerId,
    Optional<Payload> result,
    Optional<String> errorType,
    Optional<String> errorMessage,
    String taskId,
    String reason,
    List<AttemptRecord> attempts,
    Optional<Instant> nextAttemptAt) {

  public ExecutionRecord {
    attempts = List.copyOf(attempts);
  }

  /** A record without task id, reason and attempt history. */
  public ExecutionRecord(String executionId, String handler, ExecutionStatus status, int attempt, Priority priority,
      Map<String, String> labels, Duration timeout, String idempotencyKey, Instant submittedAt, Optional<Instant> startedAt,
      Optional<Instant> finishedAt, String workerId, Optional<Payload> result, Optional<String> errorType,
      Optional<String> errorMessage) {
    this(executionId, handler, status, attempt, priority, labels, timeout, idempotencyKey, submittedAt, startedAt, finishedAt, workerId,
        result, errorType, errorMessage, "", "", List.of(), Optional.empty());
  }

  /** One attempt: RUNNING while it runs, else how it ended. */
  public record AttemptRecord(int number, ExecutionStatus status, Instant startedAt, Optional<Instant> finishedAt, String workerId,
      Optional<String> errorType, Optional<String> errorMessage) {}
}
