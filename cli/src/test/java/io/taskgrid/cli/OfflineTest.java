package io.taskgrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** What the CLI decides before or without a coordinator: usage errors, an unreachable address. */
class OfflineTest {
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void anUnreachableCoordinatorExitsWith4() throws Exception {
    Cli.Result r = new Cli("127.0.0.1:" + freePort()).run("tasks", "list");
    assertThat(r.code()).as(r.toString()).isEqualTo(4);
    assertThat(r.err()).contains("unreachable").doesNotContain("\tat ");
  }

  @Test
  void takesTheFirstCoordinatorThatAnswersFromTheEnvironment() throws Exception {
    Cli.Result r = new Cli(null).env("TASKGRID_COORDINATORS", "127.0.0.1:" + freePort() + ",127.0.0.1:" + freePort()).run("breakers");
    assertThat(r.code()).as(r.toString()).isEqualTo(4);
    assertThat(r.err()).contains("127.0.0.1:");
  }

  @Test
  void badFlagValuesExitWith2BeforeAnyCall() throws Exception {
    // the coordinator address is unreachable: exit 2, not 4, shows that no call was made
    Cli cli = new Cli("127.0.0.1:" + freePort());
    Cli.Result label = cli.run("submit", "echo", "--label", "team");
    assertThat(label.code()).as(label.toString()).isEqualTo(2);
    assertThat(label.err()).contains("--label: must be key=value, got \"team\"");
    Cli.Result json = cli.run("submit", "echo", "--payload", "{not json");
    assertThat(json.code()).as(json.toString()).isEqualTo(2);
    assertThat(json.err()).contains("--payload: not valid JSON");
    Cli.Result status = cli.run("executions", "list", "--status", "done");
    assertThat(status.code()).isEqualTo(2);
    assertThat(status.err()).contains("--status: must be one of pending, running, succeeded");
    assertThat(cli.run("executions", "list", "--since", "yesterday-ish").err()).contains("--since: must be a duration back from now");
    assertThat(cli.run("submit", "echo", "--timeout", "soon").err()).contains("--timeout: must be a duration");
    assertThat(cli.run("tasks", "create", "-f", "/nonexistent/tasks.yaml").err()).contains("--file: no such file");
    assertThat(new Cli("localhost").run("tasks", "list").err()).contains("--coordinator: \"localhost\" is not host:port");
  }

  @Test
  void unknownCommandsAndOptionsAreUsageErrors() {
    Cli cli = new Cli(null);
    Cli.Result r = cli.run("tasks", "frobnicate");
    assertThat(r.code()).isEqualTo(2);
    assertThat(cli.run("submit").code()).isEqualTo(2);
    assertThat(cli.run("--nope").code()).isEqualTo(2);
    assertThat(cli.run().code()).isEqualTo(2);
  }

  @Test
  void helpListsTheExitCodesAndCompletionPrintsAScript() {
    Cli cli = new Cli(null);
    Cli.Result help = cli.run("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Exit codes:", "3  not found", "4  coordinator unreachable", "6  not authenticated or not allowed", "TASKGRID_COORDINATORS", "--token-file");
    Cli.Result completion = cli.run("completion");
    assertThat(completion.code()).isZero();
    assertThat(completion.out()).contains("complete -F", "executions", "breakers");
  }
}
