package io.taskgrid.client;

/**
 * No coordinator could be reached, or the one that answered could not reach Kafka or Redis.
 * Retryable: repeating the call later may succeed, and a submission repeated with the same
 * idempotency key is never accepted twice.
 *
 * <p>The client already retried calls that are safe to repeat (reads, submissions with an
 * idempotency key, and the task calls {@link Tasks} lists as safe) on the coordinators it knows
 * before throwing this.
 */
public final class TaskgridUnavailableException extends TaskgridException {
  /**
   * An unavailable error with the server's (or the transport's) message.
   *
   * @param message what could not be reached
   * @param cause the underlying failure, or null
   */
  public TaskgridUnavailableException(String message, Throwable cause) {
    super(message, true, cause);
  }
}
