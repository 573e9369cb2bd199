package io.taskgrid.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A task for the built-in {@code process} handler of workers, which runs an external program
 * (enabled and allow-listed on the worker: see the README, "Process tasks"). The program gets an
 * argument array, never a shell command line.
 *
 * <pre>{@code
 * TaskRequest request = ProcessRequest.builder("tar")
 *     .args("-czf", "out/backup.tgz", "data")
 *     .pathArgs(1, 2)               // checked by the worker: inside its allowed roots
 *     .workingDir("jobs/42")
 *     .env("TZ", "UTC")
 *     .timeout(Duration.ofMinutes(2))
 *     .build();
 * client.submit(request);
 * }</pre>
 *
 * <p>The execution's result is JSON: {@code exitCode}, {@code stdout}, {@code stderr}, {@code
 * stdoutTruncated}, {@code stderrTruncated}, {@code stdoutBytes}, {@code stderrBytes}, {@code
 * durationMs}. A code other than 0 ends the execution FAILED, with the code and the tail of standard
 * error in its error message.
 */
public final class ProcessRequest {
  /** The name of the workers' built-in handler that runs programs. */
  public static final String HANDLER = "process";

  private ProcessRequest() {}

  /**
   * Starts a request to run {@code program}: a name on the worker's allow-list ({@code echo}) or an
   * absolute path.
   *
   * @param program the program
   * @return a builder
   * @throws IllegalArgumentException when {@code program} is empty
   */
  public static Builder builder(String program) {
    return new Builder(program);
  }

  /** Builds a process request; the worker checks it again against its own rules. */
  public static final class Builder {
    private final String program;
    private final List<String> args = new ArrayList<>();
    private final TreeSet<Integer> pathArgs = new TreeSet<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String workingDir;
    private byte[] stdin;
    private Duration timeout;

    private Builder(String program) {
      Objects.requireNonNull(program, "program");
      if (program.isEmpty()) throw new IllegalArgumentException("program must not be empty");
      this.program = program;
    }

    /**
     * Appends arguments, passed to the program as they are (no shell: {@code $}, {@code ;} and
     * quotes mean nothing).
     *
     * @param arguments the arguments
     * @return this builder
     */
    public Builder args(String... arguments) {
      for (String a : arguments) args.add(Objects.requireNonNull(a, "argument"));
      return this;
    }

    /**
     * Marks arguments, by their index in {@link #args}, as paths: the worker refuses the task
     * unless each lies inside one of its allowed roots (relative ones against the working
     * directory; no {@code ..}, symbolic links resolved).
     *
     * @param indexes indexes into the arguments
     * @return this builder
     * @throws IllegalArgumentException when an index is negative
     */
    public Builder pathArgs(int... indexes) {
      for (int i : indexes) {
        if (i < 0) throw new IllegalArgumentException("pathArgs must be indexes into args, got " + i);
        pathArgs.add(i);
      }
      return this;
    }

    /**
     * Sets the directory the program runs in: absolute, or relative to the worker's first root;
     * it must lie inside an allowed root. By default the worker's first root.
     *
     * @param dir the directory
     * @return this builder
     */
    public Builder workingDir(String dir) {
      this.workingDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * Adds an environment variable, on top of the few the worker passes on from its own
     * environment (its allow-list).
     *
     * @param name the variable's name: letters, digits and {@code _}
     * @param value its value
     * @return this builder
     * @throws IllegalArgumentException when {@code name} is not a variable name
     */
    public Builder env(String name, String value) {
      Objects.requireNonNull(name, "name");
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("env name must be letters, digits and _, got '" + name + "'");
      env.put(name, Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets the bytes written to the program's standard input (then closed); none by default.
     *
     * @param data the bytes (copied)
     * @return this builder
     */
    public Builder stdin(byte[] data) {
      this.stdin = Objects.requireNonNull(data, "data").clone();
      return this;
    }

    /**
     * Sets how long the program may run before it and every process it started are killed
     * (SIGTERM, then SIGKILL after the worker's grace period) and the execution fails. Without
     * it the task's own timeout bounds the program (the execution then ends TIMEOUT).
     *
     * @param limit the limit; positive, in whole milliseconds
     * @return this builder
     * @throws IllegalArgumentException when {@code limit} is not positive
     */
    public Builder timeout(Duration limit) {
      Objects.requireNonNull(limit, "limit");
      if (limit.toMillis() < 1) throw new IllegalArgumentException("timeout must be at least 1ms, got " + limit);
      this.timeout = limit;
      return this;
    }

    /**
     * The payload of the task, as JSON text (for the tasks file or a log line).
     *
     * @return the JSON payload
     * @throws IllegalArgumentException when a path index is not an index into the arguments
     */
    public String payloadJson() {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("program", program);
      ArrayNode a = node.putArray("args");
      args.forEach(a::add);
      if (!pathArgs.isEmpty()) {
        if (pathArgs.last() >= args.size()) {
          throw new IllegalArgumentException("pathArgs must be indexes into args (0 to " + (args.size() - 1) + "), got " + pathArgs.last());
        }
        ArrayNode p = node.putArray("pathArgs");
        pathArgs.forEach(p::add);
      }
      if (workingDir != null) node.put("workingDir", workingDir);
      if (!env.isEmpty()) {
        ObjectNode e = node.putObject("env");
        env.forEach(e::put);
      }
      if (stdin != null) node.put("stdin", Base64.getEncoder().encodeToString(stdin));
      if (timeout != null) node.put("timeout", timeout.toMillis() + "ms");
      return node.toString();
    }

    /**
     * The payload of the task, for a registered task: {@code TaskDefinition.builder(...)
     * .handler(ProcessRequest.HANDLER).payload(request.payload())}.
     *
     * @return the JSON payload
     * @throws IllegalArgumentException when a path index is not an index into the arguments
     */
    public Payload payload() {
      return Payload.of(payloadJson().getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json");
    }

    /**
     * A task request builder for the {@code process} handler with this payload, to set more
     * (priority, labels, the task's timeout, retries) before building.
     *
     * @return a task request builder
     */
    public TaskRequest.Builder toTaskRequestBuilder() {
      return TaskRequest.builder(HANDLER).payload(payloadJson().getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json");
    }

    /**
     * The task request for the {@code process} handler.
     *
     * @return the request
     */
    public TaskRequest build() {
      return toTaskRequestBuilder().build();
    }
  }
}
