package io.taskgrid.worker.internal.breaker;

/**
 * An attempt was not run because its circuit breaker is open. Thrown instead of calling the
 * handler; no stack trace, as it is expected and frequent while a breaker is open.
 */
public final class CircuitOpenException extends RuntimeException {
  CircuitOpenException(String message) {
    super(message, null, false, false);
  }
}
