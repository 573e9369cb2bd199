package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionQuery;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.TaskgridInvalidArgumentException;
import io.taskgrid.client.Tasks;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.worker.ConditionResult;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Run conditions, dependencies and on-success triggers through real Kafka and Redis, with one
 * coordinator and one worker in this JVM, shared by the tests (each uses task ids of its own).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreconditionsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final TestCluster cluster = new TestCluster();
  private TaskgridClient client;
  private Tasks tasks;

  @BeforeAll
  void start() {
    Coordinator coordinator = cluster.coordinator();
    cluster.worker(List.of(TestCluster.address(coordinator)), w -> w
        .handler("ok", ctx -> "done " + ctx.taskId().orElse(""))
        .handler("fail", ctx -> {
          throw new IllegalStateException("extract broke");
        })
        .condition("open", ctx -> ConditionResult.run())
        .condition("business-hours", ctx -> ConditionResult.skip("outside business hours"))
        .condition("calendar", ctx -> {
          throw new IllegalStateException("calendar service down");
        }));
    client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());
    tasks = client.tasks();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private ExecutionInfo runNow(String taskId) {
    return tasks.runNow(taskId).await(WAIT);
  }

  @Test
  void aConditionRunsTheHandlerSkipsWithItsReasonOrFailsWithItsError() {
    tasks.create(TaskDefinition.builder("cond-open", "ok").condition("open").build());
    tasks.create(TaskDefinition.builder("cond-closed", "ok").condition("business-hours").build());
    tasks.create(TaskDefinition.builder("cond-broken", "ok").condition("calendar").build());
    tasks.create(TaskDefinition.builder("cond-unknown", "ok").condition("nobody-has-it").build());

    ExecutionInfo open = runNow("cond-open");
    assertThat(open.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(open.result().asText()).isEqualTo("done cond-open");

    ExecutionInfo closed = runNow("cond-closed");
    assertThat(closed.status()).isEqualTo(ExecutionStatus.SKIPPED);
    assertThat(closed.reason()).isEqualTo("outside business hours");

    ExecutionInfo broken = runNow("cond-broken");
    assertThat(broken.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(broken.attempt()).isEqualTo(1);
    assertThat(broken.errorIfAny().orElseThrow().type()).isEqualTo("taskgrid.ConditionFailed");
    assertThat(broken.errorIfAny().orElseThrow().message()).contains("calendar service down");

    ExecutionInfo unknown = runNow("cond-unknown");
    assertThat(unknown.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(unknown.errorIfAny().orElseThrow().type()).isEqualTo("taskgrid.UnknownCondition");
  }

  @Test
  void theConditionTravelsWithTheTaskAndBadNamesAreRejected() {
    assertThat(tasks.create(TaskDefinition.builder("cond-shown", "ok").condition("open").build()).definition().condition()).contains("open");
    TaskgridInvalidArgumentException e = catchThrowableOfType(TaskgridInvalidArgumentException.class,
        () -> tasks.create(TaskDefinition.builder("cond-bad", "ok").condition("no spaces").build()));
    assertThat(e).isNotNull();
    assertThat(e.field()).isEqualTo("task.condition");
  }

  @Test
  void aDependentIsSkippedWhenItsDependencyFailedAndRunsWhenItSucceeded() {
    tasks.create(TaskDefinition.builder("dep-extract-bad", "fail").build());
    tasks.create(TaskDefinition.builder("dep-load-bad", "ok").dependsOn(List.of("dep-extract-bad")).build());
    tasks.create(TaskDefinition.builder("dep-extract", "ok").build());
    tasks.create(TaskDefinition.builder("dep-load", "ok").dependsOn(List.of("dep-extract")).dependencyWindow(Duration.ofMinutes(5)).build());

    assertThat(runNow("dep-load").reason()).as("no execution of the dependency yet").isEqualTo("dependency_not_met:dep-extract");

    assertThat(runNow("dep-extract-bad").status()).isEqualTo(ExecutionStatus.FAILED);
    ExecutionInfo skipped = runNow("dep-load-bad");
    assertThat(skipped.status()).isEqualTo(ExecutionStatus.SKIPPED);
    assertThat(skipped.reason()).isEqualTo("dependency_not_met:dep-extract-bad");

    assertThat(runNow("dep-extract").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    ExecutionInfo ran = runNow("dep-load");
    assertThat(ran.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(ran.result().asText()).isEqualTo("done dep-load");
  }

  @Test
  void anOnSuccessChainRunsTheNextTaskOncePerSuccess() {
    tasks.create(TaskDefinition.builder("chain-a", "ok").build());
    tasks.create(TaskDefinition.builder("chain-b", "ok").onSuccess("chain-a").build());

    Set<String> upstream = List.of(runNow("chain-a"), runNow("chain-a"), runNow("chain-a")).stream()
        .map(ExecutionInfo::executionId).collect(Collectors.toSet());

    await().atMost(WAIT).until(() -> succeeded("chain-b").size() == 3);
    // no second fire of any success shows up later
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> executions("chain-b").size() == 3);
    assertThat(succeeded("chain-b")).extracting(e -> e.labels().get("taskgrid/upstream")).containsExactlyInAnyOrderElementsOf(upstream);
    assertThat(succeeded("chain-b")).allSatisfy(e -> assertThat(e.labels()).containsEntry("taskgrid/trigger", "on_success"));
  }

  @Test
  void aFailureDoesNotFireTheOnSuccessTask() {
    tasks.create(TaskDefinition.builder("chain-fail", "fail").build());
    tasks.create(TaskDefinition.builder("chain-after-fail", "ok").onSuccess("chain-fail").build());
    assertThat(runNow("chain-fail").status()).isEqualTo(ExecutionStatus.FAILED);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> executions("chain-after-fail").isEmpty());
  }

  @Test
  void aCycleIsRejectedNamingIt() {
    tasks.create(TaskDefinition.builder("cyc-a", "ok").dependsOn(List.of("cyc-b")).build());
    TaskgridInvalidArgumentException e = catchThrowableOfType(TaskgridInvalidArgumentException.class,
        () -> tasks.create(TaskDefinition.builder("cyc-b", "ok").dependsOn(List.of("cyc-a")).build()));
    assertThat(e).isNotNull();
    assertThat(e.field()).isEqualTo("task.depends_on");
    assertThat(e.getMessage()).contains("cycle cyc-b -> cyc-a -> cyc-b");

    tasks.create(TaskDefinition.builder("cyc-c", "ok").onSuccess("cyc-a").build());
    TaskgridInvalidArgumentException update = catchThrowableOfType(TaskgridInvalidArgumentException.class,
        () -> tasks.update(TaskDefinition.builder("cyc-a", "ok").dependsOn(List.of("cyc-c")).build()));
    assertThat(update).isNotNull();
    assertThat(update.getMessage()).contains("cycle cyc-a -> cyc-c -> cyc-a");
    assertThat(tasks.get("cyc-a").definition().dependsOn()).containsExactly("cyc-b");
  }

  private List<ExecutionInfo> executions(String taskId) {
    return client.listAllExecutions(ExecutionQuery.all().withTaskId(taskId)).toList();
  }

  private List<ExecutionInfo> succeeded(String taskId) {
    return executions(taskId).stream().filter(e -> e.status() == ExecutionStatus.SUCCEEDED).toList();
  }
}
