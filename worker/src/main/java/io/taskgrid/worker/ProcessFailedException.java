package io.taskgrid.worker;

/**
 * A program run by the built-in {@code process} handler exited with a code other than 0, or ran
 * past the request's timeout and was killed; the execution ends FAILED with this type, and the
 * message holds the exit code and the tail of standard error.
 */
public final class ProcessFailedException extends Exception {
  private final int exitCode;

  public ProcessFailedException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /** The program's exit code (128 + the signal when a signal ended it). */
  public int exitCode() {
    return exitCode;
  }
}
