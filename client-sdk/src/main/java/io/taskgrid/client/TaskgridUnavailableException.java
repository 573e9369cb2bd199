package io.taskgrid.client;

/**
 * No coordinator could be reached, or one could not reach Kafka or Redis. Retrying later may
 * succeed; a submission retried with the same idempotency key is never accepted twice.
 */
public final class TaskgridUnavailableException extends TaskgridException {
  /** An unavailable error with the server's (or transport's) message. */
  public TaskgridUnavailableException(String message, Throwable cause) {
    super(message, true, cause);
  }
}
