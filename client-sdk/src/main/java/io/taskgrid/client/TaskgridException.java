package io.taskgrid.client;

/**
 * Root of every exception the SDK throws. Unchecked.
 *
 * <p>{@link #isRetryable()} says whether the same call may succeed if repeated later (the cluster
 * was unreachable, overloaded or too slow). A submission without an idempotency key that failed
 * with a retryable error may nevertheless have been accepted; resubmit it only with an idempotency
 * key to be sure it is not queued twice.
 *
 * <p>The SDK never exposes gRPC's own exceptions: every failure of a call is one of this type's
 * subclasses, or this type itself for the rarer kinds of failure.
 */
public class TaskgridException extends RuntimeException {
  /** Whether repeating the call later may succeed. */
  private final boolean retryable;

  /**
   * An error with a message and whether retrying may help.
   *
   * @param message what went wrong
   * @param retryable true when repeating the call later may succeed
   * @param cause the underlying failure, or null
   */
  public TaskgridException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /**
   * A non-retryable error with a message.
   *
   * @param message what went wrong
   */
  public TaskgridException(String message) {
    this(message, false, null);
  }

  /**
   * Whether repeating the call later may succeed.
   *
   * @return true when the cluster was unreachable, overloaded or too slow, false when the request
   *     itself was wrong or the state it needs does not exist
   */
  public boolean isRetryable() {
    return retryable;
  }
}
