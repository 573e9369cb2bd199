package io.taskgrid.core;

/** Something with the same id, but a different content, exists already. */
public final class AlreadyExistsException extends TaskgridException {
  public AlreadyExistsException(String message) {
    super(message, false);
  }
}
