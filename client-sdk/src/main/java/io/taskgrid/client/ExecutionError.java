package io.taskgrid.client;

/**
 * Why an execution failed or timed out.
 *
 * @param type a stable kind: the handler's exception class, or {@code taskgrid.UnknownHandler},
 *     {@code taskgrid.InvalidPayload}, {@code taskgrid.Timeout}
 * @param message the detail
 */
public record ExecutionError(String type, String message) {}
