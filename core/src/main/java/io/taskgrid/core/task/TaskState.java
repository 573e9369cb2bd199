package io.taskgrid.core.task;

/** Where a registered task stands. */
public enum TaskState {
  /** Enabled, not paused, and its trigger can still fire. */
  ACTIVE,
  /** Paused: no fires until resumed. */
  PAUSED,
  /** Stored with enabled=false: never fires by itself. */
  DISABLED,
  /** A one-off task that has fired; kept for history. */
  COMPLETED
}
