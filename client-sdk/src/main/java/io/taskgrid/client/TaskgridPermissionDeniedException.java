package io.taskgrid.client;

/**
 * The coordinator knows who is calling, but the caller's role or allow-list does not permit the
 * call (PERMISSION_DENIED): a {@code viewer} submitting a task, an {@code operator} deleting one,
 * or an identity limited to some handlers or task-id prefixes acting on others. Not retryable:
 * the server's message says what was refused; {@link TaskgridClient#whoAmI()} shows the caller's
 * role and allow-lists.
 */
public final class TaskgridPermissionDeniedException extends TaskgridException {
  /**
   * A permission error with the server's message.
   *
   * @param message the server's message
   * @param cause the underlying failure, or null
   */
  public TaskgridPermissionDeniedException(String message, Throwable cause) {
    super(message, false, cause);
  }
}
