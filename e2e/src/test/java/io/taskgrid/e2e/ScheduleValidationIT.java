package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.taskgrid.client.Payload;
import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskQuery;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.TaskgridInvalidArgumentException;
import io.taskgrid.client.TaskgridNotFoundException;
import io.taskgrid.client.Tasks;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.e2e.support.Inspect;
import io.taskgrid.e2e.support.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A bad task, event or schedule is answered INVALID_ARGUMENT naming the field, and nothing is stored. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScheduleValidationIT {
  private final TestCluster cluster = new TestCluster();
  private TaskgridClient client;
  private Tasks tasks;
  @TempDir Path dir;

  @BeforeAll
  void start() {
    Coordinator c = cluster.coordinator();
    client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(c)).build());
    tasks = client.tasks();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private static TaskDefinition.Builder aTask(String id) {
    return TaskDefinition.builder(id, "record");
  }

  /** Creates {@code task}, expecting a rejection; checks that the task was not stored. */
  private TaskgridInvalidArgumentException rejected(TaskDefinition task) {
    TaskgridInvalidArgumentException e = catchThrowableOfType(TaskgridInvalidArgumentException.class, () -> tasks.create(task));
    assertThat(e).as("creating %s", task).isNotNull();
    assertThatThrownBy(() -> tasks.get(task.id())).isInstanceOf(TaskgridNotFoundException.class);
    assertThat(tasks.listAll(TaskQuery.all())).isEmpty();
    return e;
  }

  @Test
  void rejectsACronFieldOutOfRangeNamingTheCronAndTheMinute() {
    TaskgridInvalidArgumentException e = rejected(aTask("bad-cron").cron("61 * * * *").build());
    assertThat(e.field()).isEqualTo("task.trigger.cron");
    assertThat(e.getMessage()).contains("minute").contains("61");
  }

  @Test
  void rejectsAnUnknownTimeZone() {
    TaskgridInvalidArgumentException e = rejected(aTask("bad-zone").cron("0 2 * * *").timeZone("Mars/Base").build());
    assertThat(e.field()).isEqualTo("task.time_zone");
    assertThat(e.getMessage()).contains("Mars/Base");
  }

  @Test
  void rejectsADelayThatIsNotADuration() {
    TaskgridInvalidArgumentException e = rejected(aTask("bad-after").after("soon").build());
    assertThat(e.field()).isEqualTo("task.trigger.after");
    assertThat(e.getMessage()).contains("soon");
  }

  @Test
  void rejectsAOneOffTimeInThePast() {
    TaskgridInvalidArgumentException e = rejected(aTask("bad-at").at(Instant.now().minusSeconds(60)).build());
    assertThat(e.field()).isEqualTo("task.trigger.at");
    assertThat(e.getMessage()).contains("future");
  }

  @Test
  void rejectsAnEventPatternWithASpace() {
    TaskgridInvalidArgumentException e = rejected(aTask("bad-event").onEvent("user *").build());
    assertThat(e.field()).isEqualTo("task.trigger.event");
    assertThat(e.getMessage()).contains("user *");
  }

  @Test
  void rejectsPublishingAnEventWithABadNameAndPublishesNothing() {
    TaskgridInvalidArgumentException e = catchThrowableOfType(TaskgridInvalidArgumentException.class,
        () -> client.events().publish("user signup!", Payload.text("x")));
    assertThat(e).isNotNull();
    assertThat(e.field()).isEqualTo("name");
    assertThat(e.getMessage()).contains("user signup!");
    CoordinatorConfig.Scheduling scheduling = cluster.coordinatorConfig(0).scheduling();
    assertThat(Inspect.messagesIn(cluster.infra().kafkaBootstrap(), scheduling.eventsTopic(), scheduling.eventsTopicPartitions())).isZero();
  }

  @Test
  void rejectsPreviewingABadExpressionNamingIt() {
    TaskgridInvalidArgumentException e = catchThrowableOfType(TaskgridInvalidArgumentException.class,
        () -> tasks.preview("61 * * * *", ZoneId.of("UTC"), null, 5));
    assertThat(e).isNotNull();
    assertThat(e.field()).isEqualTo("expression");
    assertThat(e.getMessage()).contains("minute");
  }

  @Test
  void aTasksFileWithABadTaskStopsTheCoordinatorNamingTheTaskAndTheFieldAndRegistersNothing() throws Exception {
    Path file = dir.resolve("tasks.yaml");
    Files.writeString(file, """
        tasks:
          - id: good-one
            handler: record
            cron: "0 2 * * *"
          - id: bad-one
            handler: record
            cron: "61 * * * *"
        """);
    CoordinatorConfig config = cluster.coordinatorConfig(0);
    CoordinatorConfig withFile = config.withScheduling(config.scheduling().withTasksFile(file.toString()));

    assertThatThrownBy(() -> cluster.coordinator(withFile))
        .hasMessageContaining("bad-one")
        .hasMessageContaining("cron")
        .hasMessageContaining("minute");
    assertThatThrownBy(() -> tasks.get("good-one")).isInstanceOf(TaskgridNotFoundException.class);
    assertThat(tasks.listAll(TaskQuery.all())).isEmpty();
  }
}
