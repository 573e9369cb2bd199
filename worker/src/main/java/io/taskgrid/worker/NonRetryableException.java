package io.taskgrid.worker;

/**
 * Thrown by a handler for a failure that no retry can fix (bad input, a refused request): the
 * execution ends FAILED at once, whatever its retry policy.
 */
public class NonRetryableException extends RuntimeException {
  public NonRetryableException(String message) {
    super(message);
  }

  public NonRetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
