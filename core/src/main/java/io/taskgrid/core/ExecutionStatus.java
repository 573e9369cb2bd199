package io.taskgrid.core;

/** Where an execution is in its life; see {@link ExecutionStateMachine} for the moves allowed. */
public enum ExecutionStatus {
  /** Accepted and queued in Kafka; not started. */
  PENDING,
  /** A worker claimed it and its handler runs. */
  RUNNING,
  SUCCEEDED,
  FAILED,
  TIMEOUT,
  /** Decided not to run (overlap, full queue, rate limit drop, misfire); the record says why. */
  SKIPPED,
  /** Cancelled or replaced; a running handler was interrupted. */
  CANCELLED,
  /** An attempt failed; the next waits durably in Kafka until it is due. */
  RETRY_SCHEDULED,
  /** Waiting, without a worker slot, for a concurrency permit or the rate budget. */
  QUEUED;

  /** A terminal status never changes again. */
  public boolean isTerminal() {
    return switch (this) {
      case PENDING, RUNNING, RETRY_SCHEDULED, QUEUED -> false;
      case SUCCEEDED, FAILED, TIMEOUT, SKIPPED, CANCELLED -> true;
    };
  }
}
