package io.taskgrid.core;

/** Where an execution is in its life; see {@link ExecutionStateMachine} for the moves allowed. */
public enum ExecutionStatus {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  TIMEOUT;

  /** A terminal status never changes again. */
  public boolean isTerminal() {
    return switch (this) {
      case PENDING, RUNNING -> false;
      case SUCCEEDED, FAILED, TIMEOUT -> true;
    };
  }
}
