package io.taskgrid.worker.internal.process;

import io.taskgrid.core.Durations;
import io.taskgrid.core.Payload;
import io.taskgrid.worker.ProcessConfig;
import io.taskgrid.worker.ProcessFailedException;
import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskHandler;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The built-in {@code process} handler: runs the program a task's JSON payload names (see {@link
 * ProcessPolicy} for what is allowed), and returns its {@link ProcessResult} as JSON. Exit code 0
 * succeeds; any other code, or the request's timeout, fails with {@link ProcessFailedException}.
 */
public final class ProcessHandler implements TaskHandler {
  /** The name the handler is registered under. */
  public static final String NAME = "process";
  /** Characters of standard error's tail in the error message of a failed run. */
  static final int ERROR_TAIL_CHARS = 1000;

  private final ProcessPolicy policy;
  private final ProcessRunner runner;

  public ProcessHandler(ProcessConfig config, Map<String, String> workerEnvironment) {
    this.policy = new ProcessPolicy(config, workerEnvironment);
    this.runner = new ProcessRunner(config.maxOutputBytes(), config.killGrace());
  }

  @Override
  public Object handle(TaskContext ctx) throws Exception {
    ProcessSpec spec = policy.check(ctx.payloadJson());
    OutputListener listener = ctx instanceof LiveOutput live ? live.outputListener() : OutputListener.NONE;
    ProcessResult result = runner.run(spec, listener);
    if (result.timedOut()) {
      throw new ProcessFailedException(result.exitCode(), spec.program() + " ran past its timeout of "
          + Durations.format(spec.timeout().orElseThrow()) + " and was killed with its descendants" + stderrTail(result));
    }
    if (result.exitCode() != 0) {
      throw new ProcessFailedException(result.exitCode(), spec.program() + " exited with code " + result.exitCode() + stderrTail(result));
    }
    return new Payload(result.toJson().toString().getBytes(StandardCharsets.UTF_8), Payload.JSON);
  }

  private static String stderrTail(ProcessResult result) {
    String tail = result.stderrTail().strip();
    if (tail.isEmpty()) return "";
    if (tail.length() > ERROR_TAIL_CHARS) tail = "…" + tail.substring(tail.length() - ERROR_TAIL_CHARS);
    return "; stderr: " + tail;
  }
}
