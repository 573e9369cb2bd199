package io.taskgrid.client;

/**
 * Where an execution is in its life. {@link #PENDING}, {@link #RUNNING}, {@link #RETRY_SCHEDULED}
 * and {@link #QUEUED} are transient; the others are terminal: once an execution reaches one it
 * never changes again.
 */
public enum ExecutionStatus {
  /** Accepted and durably queued; no worker has started it yet. */
  PENDING,
  /** A worker has claimed it and its handler is running. */
  RUNNING,
  /** The handler returned normally; see {@link ExecutionInfo#result()}. Terminal. */
  SUCCEEDED,
  /**
   * The handler threw, or no worker had a handler of that name; see {@link ExecutionInfo#error()}.
   * Terminal.
   */
  FAILED,
  /** The handler ran past its timeout and was interrupted. Terminal. */
  TIMEOUT,
  /**
   * It was decided not to run it; {@link ExecutionInfo#reason()} says why ({@code
   * previous_instance_running}, {@code queue_full}, {@code rate_limited}, {@code misfire}, {@code
   * dependency_not_met:<task id>}, or the reason a run condition gave).
   * Terminal.
   */
  SKIPPED,
  /**
   * Cancelled ({@link ExecutionInfo#reason()} {@code cancelled}) or replaced by a newer execution of
   * its concurrency key ({@code replaced}); a running handler was interrupted. Terminal.
   */
  CANCELLED,
  /**
   * An attempt failed and the retry policy allows another; it waits durably until {@link
   * ExecutionInfo#nextAttemptAt()}.
   */
  RETRY_SCHEDULED,
  /** Waiting, without a worker slot, for a permit of its concurrency key or for its rate budget. */
  QUEUED;

  /**
   * Whether an execution in this status can still change.
   *
   * @return true for {@link #SUCCEEDED}, {@link #FAILED}, {@link #TIMEOUT}, {@link #SKIPPED} and
   *     {@link #CANCELLED}
   */
  public boolean isTerminal() {
    return switch (this) {
      case PENDING, RUNNING, RETRY_SCHEDULED, QUEUED -> false;
      case SUCCEEDED, FAILED, TIMEOUT, SKIPPED, CANCELLED -> true;
    };
  }
}
