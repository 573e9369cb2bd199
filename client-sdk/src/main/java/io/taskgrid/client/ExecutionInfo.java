package io.taskgrid.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Everything known about one execution at one moment.
 *
 * @param executionId the id returned at submission
 * @param handler the handler that runs it
 * @param status where it is now
 * @param attempt 1 for the first run; more if it was restarted after its worker died (0 while pending)
 * @param priority given at submission
 * @param labels given at submission
 * @param timeout time limit of one attempt
 * @param idempotencyKey given at submission, or empty
 * @param submittedAt when it was accepted
 * @param startedAt when the current attempt started, or null while pending
 * @param finishedAt when it reached a terminal status, or null before
 * @param workerId the worker that ran it, or empty
 * @param result what the handler returned (SUCCEEDED), or null
 * @param error why it failed (FAILED, TIMEOUT), or null
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
    ExecutionError error) {

  /** Copies the labels. */
  public ExecutionInfo {
    labels = Map.copyOf(labels);
  }
}
