package io.taskgrid.client;

/**
 * The execution had already ended (SUCCEEDED, FAILED, TIMEOUT or SKIPPED) when it was to be
 * cancelled: nothing was changed. Thrown by {@link TaskgridClient#cancel(String)} and {@link
 * TaskHandle#cancel()} for the server's FAILED_PRECONDITION. Not retryable: read the execution
 * ({@link TaskgridClient#get(String)}) to see how it ended. (Cancelling an execution that is
 * already CANCELLED is not an error: it returns its state.)
 */
public final class TaskgridExecutionEndedException extends TaskgridConflictException {
  /**
   * An error with the server's message.
   *
   * @param message the server's message
   * @param cause the underlying failure, or null
   */
  public TaskgridExecutionEndedException(String message, Throwable cause) {
    super(message, cause);
  }
}
