package io.taskgrid.core;

/** The named thing (an execution, a task) is not known to the cluster. */
public final class NotFoundException extends TaskgridException {
  public NotFoundException(String message) {
    super(message, false);
  }
}
