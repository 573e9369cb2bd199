package io.taskgrid.core;

/**
 * Root of the exceptions raised by Taskgrid's domain. Whether an error is worth retrying is part
 * of its type, so callers never parse messages to decide.
 */
public class TaskgridException extends RuntimeException {
  private final boolean retryable;

  public TaskgridException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public TaskgridException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** True when the same request may succeed if tried again later. */
  public boolean isRetryable() {
    return retryable;
  }
}
