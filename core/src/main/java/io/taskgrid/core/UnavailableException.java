package io.taskgrid.core;

/** A dependency (Kafka, Redis, a coordinator) cannot be reached now; retrying later may work. */
public final class UnavailableException extends TaskgridException {
  public UnavailableException(String message, Throwable cause) {
    super(message, true, cause);
  }
}
