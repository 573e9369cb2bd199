package io.taskgrid.client;

/**
 * Where an execution is in its life. {@link #PENDING} and {@link #RUNNING} are transient; the
 * others are terminal: once an execution reaches one it never changes again.
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
  TIMEOUT;

  /**
   * Whether an execution in this status can still change.
   *
   * @return true for {@link #SUCCEEDED}, {@link #FAILED} and {@link #TIMEOUT}
   */
  public boolean isTerminal() {
    return switch (this) {
      case PENDING, RUNNING -> false;
      case SUCCEEDED, FAILED, TIMEOUT -> true;
    };
  }
}
