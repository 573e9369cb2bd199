package io.taskgrid.client;

import java.util.Objects;

/**
 * One line a running program wrote, delivered to a watcher as it was produced (process tasks; see
 * {@link TaskgridClient#watch(String, java.util.function.Consumer, java.util.function.Consumer)}).
 * Live output is best effort: the worker sends lines at a bounded rate and drops what exceeds it
 * (a gap in {@link #sequence()} shows it), and a watch opened later misses earlier lines; the
 * execution's result holds the output in full (within its limit).
 *
 * @param executionId the execution
 * @param attempt the attempt whose program wrote it
 * @param stream standard output or standard error
 * @param text the line without its line break (at most 4096 characters; a longer line comes in pieces)
 * @param sequence position among the attempt's lines, from 1, both streams counted together
 */
public record OutputLine(String executionId, int attempt, Stream stream, String text, long sequence) {
  /** Which output a line came from. */
  public enum Stream {
    /** Standard output. */
    STDOUT,
    /** Standard error. */
    STDERR
  }

  /** Checks that no component is null. */
  public OutputLine {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(text, "text");
  }
}
