package io.taskgrid.worker;

/** The payload of a task cannot be used; the execution fails with type {@code taskgrid.InvalidPayload}. */
public final class InvalidPayloadException extends Exception {
  public InvalidPayloadException(String message) {
    super(message);
  }

  public InvalidPayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
