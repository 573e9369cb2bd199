package io.taskgrid.client;

/** Where an execution is in its life. */
public enum ExecutionStatus {
  /** Accepted and queued; not started yet. */
  PENDING,
  /** A worker runs its handler. */
  RUNNING,
  /** The handler returned; see {@link ExecutionInfo#result()}. */
  SUCCEEDED,
  /** The handler threw or could not run; see {@link ExecutionInfo#error()}. */
  FAILED,
  /** The handler ran past its timeout and was interrupted. */
  TIMEOUT;

  /** True for the statuses an execution never leaves. */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == TIMEOUT;
  }
}
