package io.taskgrid.worker.internal.process;

/**
 * What a run of a program produced; the {@code process} handler's result is its JSON form ({@link #toJson}).
 *
 * @param exitCode the program's exit code (128 + the signal when a signal ended it)
 * @param stdout the kept part of standard output, as UTF-8 text
 * @param stderr the kept part of standard error, as UTF-8 text
 * @param stdoutTruncated whether standard output was longer than the limit
 * @param stderrTruncated whether standard error was longer than the limit
 * @param stdoutBytes bytes the program wrote to standard output, kept or not
 * @param stderrBytes bytes the program wrote to standard error, kept or not
 * @param durationMs from start to exit, in milliseconds
 * @param stderrTail the last bytes of standard error, for error messages
 * @param timedOut whether the request's timeout ended it
 */
public record ProcessResult(int exitCode, String stdout, String stderr, boolean stdoutTruncated, boolean stderrTruncated,
    long stdoutBytes, long stderrBytes, long durationMs, String stderrTail, boolean timedOut) {
  /** The result of a process task: every field but the tail and the timeout flag. */
  public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
    var node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    node.put("exitCode", exitCode).put("stdout", stdout).put("stderr", stderr)
        .put("stdoutTruncated", stdoutTruncated).put("stderrTruncated", stderrTruncated)
        .put("stdoutBytes", stdoutBytes).put("stderrBytes", stderrBytes).put("durationMs", durationMs);
    return node;
  }
}
