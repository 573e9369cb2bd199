package io.taskgrid.client;

/** Something with that id already exists with a different definition. */
public final class TaskgridAlreadyExistsException extends TaskgridException {
  /** An already-exists error with the server's message. */
  public TaskgridAlreadyExistsException(String message, Throwable cause) {
    super(message, false, cause);
  }
}
