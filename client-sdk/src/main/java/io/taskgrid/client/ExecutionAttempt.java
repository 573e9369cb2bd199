package io.taskgrid.client;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One attempt of an execution.
 *
 * @param number 1 for the first attempt
 * @param status how it ended (SUCCEEDED, FAILED, TIMEOUT, CANCELLED), or RUNNING while it runs
 * @param startedAt when the handler started
 * @param finishedAt when it ended; null while it runs
 * @param workerId the worker that ran it
 * @param error why it failed; null unless it did
 */
public record ExecutionAttempt(int number, ExecutionStatus status, Instant startedAt, Instant finishedAt, String workerId,
    ExecutionError error) {

  /** Rejects nulls where a value is always present. */
  public ExecutionAttempt {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(workerId, "workerId");
  }

  /**
   * When the attempt ended.
   *
   * @return {@link #finishedAt()}, empty while it runs
   */
  public Optional<Instant> finishedAtIfAny() {
    return Optional.ofNullable(finishedAt);
  }

  /**
   * Why the attempt failed.
   *
   * @return {@link #error()}, empty unless it failed or timed out
   */
  public Optional<ExecutionError> errorIfAny() {
    return Optional.ofNullable(error);
  }
}
