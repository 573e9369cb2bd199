package io.taskgrid.client;

/**
 * The server refused a change made against a state that has changed since (FAILED_PRECONDITION):
 * typically {@link Tasks#update(TaskDefinition, long)} with a revision that is no longer the
 * task's. Not retryable as is: read the task again, reapply the change, and update with the new
 * revision.
 *
 * <p>Cancelling an execution that already ended throws the subclass {@link
 * TaskgridExecutionEndedException}.
 *
 * <p>When the client had to retry the update on another coordinator, this may mean the first
 * attempt was applied and raised the revision: compare the task's definition with yours.
 */
public class TaskgridConflictException extends TaskgridException {
  /**
   * A conflict error with the server's message.
   *
   * @param message the server's message
   * @param cause the underlying failure, or null
   */
  public TaskgridConflictException(String message, Throwable cause) {
    super(message, false, cause);
  }
}
