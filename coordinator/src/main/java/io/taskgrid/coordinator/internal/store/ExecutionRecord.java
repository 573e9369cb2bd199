package io.taskgrid.coordinator.internal.store;

import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.Payload;
import io.taskgrid.core.Priority;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** An execution as stored: what GetExecution and watchers report. */
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
    /** Why it was SKIPPED or CANCELLED. */
    Optional<String> reason) {}
