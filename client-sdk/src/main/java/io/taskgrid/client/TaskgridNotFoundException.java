package io.taskgrid.client;

/** The execution (or other named thing) is not known to the cluster. */
public final class TaskgridNotFoundException extends TaskgridException {
  /** A not-found error with the server's message. */
  public TaskgridNotFoundException(String message, Throwable cause) {
    super(message, false, cause);
  }
}
