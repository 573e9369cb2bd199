package io.taskgrid.client;

/** Where a registered task stands. */
public enum TaskState {
  /** Enabled, not paused, and its trigger can still fire. */
  ACTIVE,
  /** Paused with {@link Tasks#pause(String)}: no fires until {@link Tasks#resume(String)}. */
  PAUSED,
  /**
   * Stored with {@linkplain TaskDefinition.Builder#enabled(boolean) enabled} false: never fires by
   * itself, but can be run with {@link Tasks#runNow(String)}.
   */
  DISABLED,
  /** A one-off task ({@code after} or {@code at}) that has fired; kept for history. */
  COMPLETED
}
