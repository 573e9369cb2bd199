package io.taskgrid.worker.internal.side;

import java.time.Duration;
import java.time.Instant;

/**
 * The cluster-wide lease of each side task's single instance, and the state recorded beside it.
 * Only the worker holding a task's lease runs its handler.
 */
interface SideLeases {
  /** Takes the lease of {@code taskId} for {@code lease} when nobody holds it; true when taken. */
  boolean acquire(String taskId, Duration lease, Instant now);

  /** Extends this worker's lease; false when it is no longer this worker's (it expired). */
  boolean renew(String taskId, Duration lease);

  /** Records that the handler started again on this worker at {@code now}. */
  void restarted(String taskId, Instant now);

  /** Records the handler's error at {@code at}, counted as a restart. */
  void failed(String taskId, String error, Instant at);

  /**
   * Gives the lease up so another worker takes the task at once; with {@code forget} (the task was
   * deleted) its recorded state goes too.
   */
  void release(String taskId, boolean forget);
}
