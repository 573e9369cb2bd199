package io.taskgrid.client;

/**
 * Root of every exception the SDK throws. Unchecked. {@link #isRetryable()} says whether the same
 * call may succeed later; the SDK never exposes gRPC's own exceptions.
 */
public class TaskgridException extends RuntimeException {
  private final boolean retryable;

  /** An error with a message and whether retrying may help. */
  public TaskgridException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** True when repeating the call later may succeed (the cluster was unreachable or overloaded). */
  public boolean isRetryable() {
    return retryable;
  }
}
