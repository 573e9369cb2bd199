package io.taskgrid.coordinator.internal.store;

import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.Payload;
import io.taskgrid.core.Priority;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * An execution as stored: what GetExecution and watchers report. {@code taskId} is empty unless a
 * registered task produced it; {@code reason} is empty unless SKIPPED or CANCELLED.
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
    String reason) {

  /** A record without task id and reason. */
  public ExecutionRecord(String executionId, String handler, ExecutionStatus status, int attempt, Priority priority,
      Map<String, String> labels, Duration timeout, String idempotencyKey, Instant submittedAt, Optional<Instant> startedAt,
      Optional<Instant> finishedAt, String workerId, Optional<Payload> result, Optional<String> errorType,
      Optional<String> errorMessage) {
    this(executionId, handler, status, attempt, priority, labels, timeout, idempotencyKey, submittedAt, startedAt, finishedAt, workerId,
        result, errorType, errorMessage, "", "");
  }
}
