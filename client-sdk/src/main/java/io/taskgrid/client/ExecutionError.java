package io.taskgrid.client;

import java.util.Objects;

/**
 * Why an execution failed or timed out.
 *
 * @param type a stable kind: the class name of the exception the handler threw, or one of {@code
 *     taskgrid.UnknownHandler}, {@code taskgrid.Timeout}
 * @param message the detail (for an exception, its message); may be empty
 */
public record ExecutionError(String type, String message) {
  /** Rejects nulls. */
  public ExecutionError {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(message, "message");
  }
}
