package io.taskgrid.worker.internal.process;

/** A task context that forwards a program's output lines to the execution's watchers as they come. */
public interface LiveOutput {
  /** Where the lines of the running program go. */
  OutputListener outputListener();
}
