package io.taskgrid.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code taskgrid completion}: a bash (and zsh) completion script. */
@Command(name = "completion", description = {
    "Prints a completion script for bash and zsh.",
    "Load it with: source <(taskgrid completion)",
    "(in zsh, first: autoload -U +X bashcompinit && bashcompinit)"})
final class CompletionCommand extends Base {
  @Override
  public Integer call() {
    CommandLine root = spec.root().commandLine();
    ctx().out().print(AutoComplete.bash("taskgrid", root));
    ctx().out().flush();
    return TaskgridCli.OK;
  }
}
