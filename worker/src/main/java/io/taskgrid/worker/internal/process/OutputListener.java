package io.taskgrid.worker.internal.process;

/** Hears a running program's output line by line, as it is written (for watchers of the execution). */
@FunctionalInterface
public interface OutputListener {
  OutputListener NONE = (stream, line) -> {};

  /** Which output a line came from. */
  enum Stream { STDOUT, STDERR }

  /** One line, without its line break; a line longer than the capture's line limit comes in pieces. */
  void line(Stream stream, String line);
}
