package io.taskgrid.client;

/**
 * The execution or registered task is not known to the cluster: the id was never issued (or the
 * task was deleted), or the execution's record has expired. Not retryable.
 */
public final class TaskgridNotFoundException extends TaskgridException {
  /**
   * A not-found error with the server's message.
   *
   * @param message the server's message, naming the id
   * @param cause the underlying failure, or null
   */
  public TaskgridNotFoundException(String message, Throwable cause) {
    super(message, false, cause);
  }
}
