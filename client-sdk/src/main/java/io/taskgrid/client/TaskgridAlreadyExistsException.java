package io.taskgrid.client;

/**
 * The server refused to create something because it already exists: for {@link
 * Tasks#create(TaskDefinition)}, a task with the same id and a different definition (an identical
 * one is not an error). Not retryable.
 */
public final class TaskgridAlreadyExistsException extends TaskgridException {
  /**
   * An already-exists error with the server's message.
   *
   * @param message the server's message
   * @param cause the underlying failure, or null
   */
  public TaskgridAlreadyExistsException(String message, Throwable cause) {
    super(message, false, cause);
  }
}
