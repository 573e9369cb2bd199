package io.taskgrid.core;

/** The request was made against a version of something that has changed since (a stale revision). */
public final class ConflictException extends TaskgridException {
  public ConflictException(String message) {
    super(message, false);
  }
}
