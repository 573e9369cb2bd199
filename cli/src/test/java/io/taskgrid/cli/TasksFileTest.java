package io.taskgrid.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.proto.v1.MisfirePolicy;
import io.taskgrid.proto.v1.OverlapPolicy;
import io.taskgrid.proto.v1.Priority;
import io.taskgrid.proto.v1.TaskDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TasksFileTest {
  @Test
  void readsTheREADMEsExampleIntoTheWireForm() {
    List<TaskDefinition> tasks = TasksFile.parse("""
        tasks:
          - id: nightly-report
            handler: reports.nightly
            cron: "0 2 * * *"
            time_zone: Europe/London
            payload: {day: yesterday}
            enabled: ${REPORTS_ENABLED:-true}
            tags: [reports]
            category: reporting
            misfire_policy: catch_up
            catch_up_window: 6h
            jitter: 30s
            timeout: 10m
            priority: high
            policy:
              concurrency: {limit: 1, overlap: skip}
              retry: {max_attempts: 5, initial_delay: 1s, backoff: exponential}
          - id: inbox-watcher
            handler: inbox.watch
            side: true
        """, Map.of("REPORTS_ENABLED", "false"));
    assertThat(tasks).hasSize(2);
    TaskDefinition d = tasks.get(0);
    assertThat(d.getTrigger().getCron()).isEqualTo("0 2 * * *");
    assertThat(d.getPayload().getData().toStringUtf8()).isEqualTo("{\"day\":\"yesterday\"}");
    assertThat(d.getPayload().getContentType()).isEqualTo("application/json");
    assertThat(d.hasEnabled()).isTrue();
    assertThat(d.getEnabled()).isFalse();
    assertThat(d.getMisfirePolicy()).isEqualTo(MisfirePolicy.MISFIRE_POLICY_CATCH_UP);
    assertThat(d.getCatchUpWindow().getSeconds()).isEqualTo(6 * 3600);
    assertThat(d.getTimeout().getSeconds()).isEqualTo(600);
    assertThat(d.getPriority()).isEqualTo(Priority.PRIORITY_HIGH);
    assertThat(d.getPolicy().getConcurrency().getOverlap()).isEqualTo(OverlapPolicy.OVERLAP_POLICY_SKIP);
    assertThat(d.getPolicy().getRetry().getMaxAttempts()).isEqualTo(5);
    assertThat(tasks.get(1).hasSide()).isTrue();
    assertThat(tasks.get(1).hasTrigger()).isFalse();
  }

  @Test
  void readsTheExampleFilesOfDevModeAndTheDistribution() throws Exception {
    for (String file : List.of("../dev/tasks.yaml", "../distribution/src/main/dist/conf/tasks.yaml")) {
      assertThat(TasksFile.parse(Files.readString(Path.of(file)), Map.of())).as(file).isNotEmpty()
          .allSatisfy(t -> assertThat(t.getHandler()).isNotEmpty());
    }
  }

  @Test
  void aBadKeyOrValueNamesTheTaskAndTheField() {
    assertThatThrownBy(() -> TasksFile.parse("tasks:\n  - id: a\n    handler: h\n    cronn: \"* * * * *\"\n", Map.of()))
        .isInstanceOf(InvalidArgumentException.class).hasMessageStartingWith("tasks[0] (id \"a\").cronn: is not a field here");
    assertThatThrownBy(() -> TasksFile.parse("tasks:\n  - id: a\n    handler: h\n    policy: {retry: {backoff: linear}}\n", Map.of()))
        .hasMessageContaining("tasks[0] (id \"a\").policy.retry.backoff: must be one of exponential, fixed, got \"linear\"");
    assertThatThrownBy(() -> TasksFile.parse("tasks:\n  - id: a\n    handler: ${NOPE}\n", Map.of()))
        .hasMessageContaining("environment variable NOPE is not set");
    assertThatThrownBy(() -> TasksFile.parse("tasks:\n  - id: a\n    cron: \"* * * * *\"\n    event: x\n", Map.of()))
        .hasMessageContaining("set only one of cron, after, at, event and on_success");
    assertThatThrownBy(() -> TasksFile.parse("id: a\n", Map.of())).hasMessageContaining("must hold one key, tasks");
  }
}
