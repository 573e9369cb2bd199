package io.taskgrid.worker.internal.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A process request after validation against the worker's {@link io.taskgrid.worker.ProcessConfig}:
 * every path resolved and confined, the environment complete (inherited allow-listed variables
 * plus the request's additions).
 *
 * @param program real path of the program to run
 * @param args arguments, passed as they are (never through a shell)
 * @param workingDirectory real path of the directory it runs in
 * @param environment the whole environment of the program
 * @param stdin bytes written to its standard input, then closed
 * @param timeout how long it may run before its tree is killed; empty: until the task's deadline
 */
public record ProcessSpec(Path program, List<String> args, Path workingDirectory, Map<String, String> environment, byte[] stdin,
    Optional<Duration> timeout) {

  public ProcessSpec {
    args = List.copyOf(args);
    environment = Map.copyOf(environment);
    stdin = stdin.clone();
  }

  /** The command line: the program and its arguments. */
  public List<String> command() {
    var command = new java.util.ArrayList<String>(args.size() + 1);
    command.add(program.toString());
    command.addAll(args);
    return command;
  }
}
