package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.Payload;
import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskInfo;
import io.taskgrid.client.TaskPage;
import io.taskgrid.client.TaskQuery;
import io.taskgrid.client.TaskState;
import io.taskgrid.client.TaskgridAlreadyExistsException;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.TaskgridConflictException;
import io.taskgrid.client.TaskgridNotFoundException;
import io.taskgrid.client.Tasks;
import io.taskgrid.client.Trigger;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.e2e.support.Runs;
import io.taskgrid.e2e.support.Runs.Run;
import io.taskgrid.e2e.support.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registered tasks against real Kafka and Redis, with one coordinator and one worker in this JVM:
 * cron, one-off and event triggers fire each fire once, and the task rpcs do what they say.
 */
class ScheduleIT {
  private static final String EVERY_SECOND = "* * * * * *";
  private static final String HANDLER = "record";

  private final TestCluster cluster = new TestCluster();
  private final Runs runs = new Runs();
  private TaskgridClient client;
  private Tasks tasks;
  @TempDir Path dir;

  @BeforeEach
  void start() {
    Coordinator coordinator = cluster.coordinator();
    cluster.worker(List.of(TestCluster.address(coordinator)), w -> w.handler(HANDLER, runs.recorder()));
    client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());
    tasks = client.tasks();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static TaskDefinition.Builder aTask(String id) {
    return TaskDefinition.builder(id, HANDLER);
  }

  private static TaskDefinition everySecond(String id) {
    return aTask(id).cron(EVERY_SECOND).build();
  }

  @Test
  void aPerSecondCronFiresEverySecondForAMinuteWithNoGapAndNoDouble() {
    tasks.create(everySecond("tick"));

    await().atMost(Duration.ofSeconds(90)).until(() -> runs.span("tick").toSeconds() >= 60);

    assertThat(runs.perFireTime("tick").size()).as(runs.describe("tick")).isGreaterThanOrEqualTo(55);
    assertThat(runs.gaps("tick")).as(runs.describe("tick")).isEmpty();
    assertThat(runs.doubles("tick")).as(runs.describe("tick")).isEmpty();
    assertThat(runs.of("tick")).allSatisfy(r -> {
      assertThat(r.scheduledAt().getNano()).isZero();
      assertThat(r.labels()).containsEntry("taskgrid/task", "tick").containsEntry("taskgrid/trigger", "cron")
          .containsEntry("taskgrid/fire-time", r.scheduledAt().toString());
    });
  }

  @Test
  void pauseStopsFiresAndResumeRestartsThemFromNowWithoutABurst() {
    tasks.create(everySecond("paused"));
    await().atMost(Duration.ofSeconds(30)).until(() -> runs.count("paused") >= 3);

    assertThat(tasks.pause("paused").state()).isEqualTo(TaskState.PAUSED);
    Instant paused = Instant.now();
    // a fire already on its way when the pause was written may still run; none after that
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
        .until(() -> runs.fireTimes("paused", t -> t.isAfter(paused.plusSeconds(1))).isEmpty());
    Instant resuming = Instant.now();
    assertThat(tasks.resume("paused").state()).isEqualTo(TaskState.ACTIVE);
    await().atMost(Duration.ofSeconds(30)).until(() -> runs.fireTimes("paused", t -> !t.isBefore(resuming)).size() >= 4);

    assertThat(runs.fireTimes("paused", t -> t.isAfter(paused.plusSeconds(1)) && t.isBefore(resuming)))
        .as("fires missed while paused are not caught up: %s", runs.describe("paused")).isEmpty();
    List<Instant> afterResume = runs.fireTimes("paused", t -> !t.isBefore(resuming));
    assertThat(runs.doubles("paused")).as(runs.describe("paused")).isEmpty();
    // one fire a second from the resume on: consecutive seconds, starting right after it
    for (int i = 1; i < afterResume.size(); i++) {
      assertThat(afterResume.get(i)).as(runs.describe("paused")).isEqualTo(afterResume.get(i - 1).plusSeconds(1));
    }
    assertThat(afterResume.get(0)).isBefore(resuming.plusSeconds(3));
  }

  @Test
  void aDeletedTaskDoesNotFireAgain() {
    tasks.create(everySecond("doomed"));
    await().atMost(Duration.ofSeconds(30)).until(() -> runs.count("doomed") >= 2);

    tasks.delete("doomed");
    Instant deleted = Instant.now();

    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
        .until(() -> runs.fireTimes("doomed", t -> t.isAfter(deleted.plusSeconds(1))).isEmpty());
    assertThatThrownBy(() -> tasks.get("doomed")).isInstanceOf(TaskgridNotFoundException.class);
    assertThat(tasks.listAll(TaskQuery.all()).map(TaskInfo::id)).doesNotContain("doomed");
  }

  @Test
  void oneOffTasksRunExactlyOnceThenShowCompletedWithTheirLastExecutionAndStayListed() {
    Instant at = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
    tasks.create(aTask("at-once").at(at).build());
    tasks.create(aTask("after-once").after("2s").build());

    await().atMost(Duration.ofSeconds(30)).until(() -> runs.count("at-once") == 1 && runs.count("after-once") == 1);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        tasks.get("at-once").state() == TaskState.COMPLETED && tasks.get("after-once").state() == TaskState.COMPLETED);

    Run atRun = runs.of("at-once").get(0);
    assertThat(atRun.scheduledAt()).isEqualTo(at);
    assertThat(atRun.trigger()).isEqualTo("at");
    assertThat(runs.of("after-once").get(0).trigger()).isEqualTo("after");
    for (String id : List.of("at-once", "after-once")) {
      TaskInfo info = tasks.get(id);
      assertThat(info.lastExecutionId()).contains(runs.of(id).get(0).executionId());
      assertThat(info.lastFireTime()).contains(runs.of(id).get(0).scheduledAt());
      assertThat(info.nextFireTime()).isEmpty();
    }
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> runs.count("at-once") == 1 && runs.count("after-once") == 1);
    assertThat(tasks.listAll(TaskQuery.all()).map(TaskInfo::id)).contains("at-once", "after-once");
  }

  @Test
  void anEventTriggersEveryTaskWhosePatternMatchesItAndNoOther() {
    tasks.create(aTask("on-user").onEvent("user:*").build());
    tasks.create(aTask("on-anything").onEvent("*").build());
    tasks.create(aTask("on-audit").onEvent("audit:*").build());

    client.events().publish("user:signup", Payload.json(Map.of("user", "ada")));

    await().atMost(Duration.ofSeconds(30)).until(() -> runs.count("on-user") == 1 && runs.count("on-anything") == 1);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> runs.count("on-user") == 1 && runs.count("on-anything") == 1 && runs.count("on-audit") == 0);
    for (String id : List.of("on-user", "on-anything")) {
      Run run = runs.of(id).get(0);
      assertThat(run.trigger()).isEqualTo("event");
      assertThat(run.eventName()).isEqualTo("user:signup");
      assertThat(run.eventData()).isEqualTo("{\"user\":\"ada\"}");
    }
  }

  @Test
  void anEventAnyKafkaProducerWritesToTheEventsTopicTriggersMatchingTasks() throws Exception {
    tasks.create(aTask("on-user").onEvent("user:*").build());
    tasks.create(aTask("on-audit").onEvent("audit:*").build());
    String eventsTopic = cluster.coordinatorConfig(0).scheduling().eventsTopic();

    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        cluster.infra().kafkaBootstrap()), new StringSerializer(), new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> event = new ProducerRecord<>(eventsTopic, "user:login", "{\"user\":\"grace\"}".getBytes(StandardCharsets.UTF_8));
      event.headers().add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
      producer.send(event).get();
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> runs.count("on-user") == 1);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> runs.count("on-user") == 1 && runs.count("on-audit") == 0);
    Run run = runs.of("on-user").get(0);
    assertThat(run.eventName()).isEqualTo("user:login");
    assertThat(run.eventData()).isEqualTo("{\"user\":\"grace\"}");
  }

  @Test
  void fiftyEventsFromAPlainKafkaProducerShowOnTheTaskAsItsLastFireAndExecution() throws Exception {
    tasks.create(aTask("on-order").onEvent("order:*").build());
    assertThat(tasks.get("on-order").lastFireTime()).isEmpty();
    String eventsTopic = cluster.coordinatorConfig(0).scheduling().eventsTopic();
    Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        cluster.infra().kafkaBootstrap()), new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < 50; i++) {
        producer.send(new ProducerRecord<>(eventsTopic, null, base.plusMillis(i).toEpochMilli(), "order:placed",
            Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> runs.count("on-order") == 50);
    Run last = runs.of("on-order").stream().filter(r -> r.eventData().equals("49")).findFirst().orElseThrow();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      TaskInfo read = tasks.get("on-order");
      assertThat(read.lastFireTime()).contains(base.plusMillis(49));
      assertThat(read.lastExecutionId()).contains(last.executionId());
      assertThat(read.nextFireTime()).isEmpty();
    });
    assertThat(client.get(last.executionId()).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void runNowShowsOnTheTaskAsItsLastFireWithoutMovingItsSchedule() {
    tasks.create(aTask("yearly").cron("0 0 1 1 *").timeZone("UTC").build());
    Instant next = tasks.get("yearly").nextFireTime().orElseThrow();

    ExecutionInfo run = tasks.runNow("yearly").await(Duration.ofSeconds(60));

    TaskInfo read = tasks.get("yearly");
    assertThat(read.lastExecutionId()).contains(run.executionId());
    assertThat(read.lastFireTime()).hasValueSatisfying(t -> assertThat(t).isBefore(Instant.now().plusSeconds(1)));
    assertThat(read.nextFireTime()).contains(next);
    assertThat(runs.of("yearly")).extracting(Run::trigger).containsExactly("run_now");
  }

  @Test
  void runNowRunsWithTheGivenPayloadOrElseTheTasksOwn() {
    tasks.create(aTask("report").payloadText("the task's own").build());

    ExecutionInfo overridden = tasks.runNow("report", Payload.text("given")).await(Duration.ofSeconds(60));
    ExecutionInfo own = tasks.runNow("report").await(Duration.ofSeconds(60));

    assertThat(overridden.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(overridden.result().asText()).isEqualTo("given");
    assertThat(own.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(own.result().asText()).isEqualTo("the task's own");
    assertThat(runs.of("report")).extracting(Run::payload).containsExactly("given", "the task's own");
    assertThat(runs.of("report")).extracting(Run::trigger).containsOnly("run_now");
  }

  @Test
  void tasksDeclaredInAFileAreRegisteredAtStartOnceAndFireUnlessDisabled() throws Exception {
    Path file = dir.resolve("tasks.yaml");
    Files.writeString(file, """
        tasks:
          - id: from-file
            handler: record
            cron: "* * * * * *"
            payload_text: "${TASKGRID_E2E_NEVER_SET:-from the default}"
            tags: [declared]
          - id: from-file-disabled
            handler: record
            cron: "* * * * * *"
            enabled: ${TASKGRID_E2E_NEVER_SET_EITHER:-false}
        """);
    CoordinatorConfig config = cluster.coordinatorConfig(0);
    CoordinatorConfig withFile = config.withScheduling(config.scheduling().withTasksFile(file.toString()));
    cluster.coordinator(withFile).close();
    TaskInfo registered = tasks.get("from-file");

    await().atMost(Duration.ofSeconds(30)).until(() -> runs.count("from-file") >= 3);
    assertThat(runs.of("from-file")).extracting(Run::payload).containsOnly("from the default");
    assertThat(tasks.listAll(TaskQuery.all().withTag("declared")).map(TaskInfo::id)).containsExactly("from-file");
    assertThat(tasks.get("from-file-disabled").state()).isEqualTo(TaskState.DISABLED);

    cluster.coordinator(withFile);
    TaskInfo again = tasks.get("from-file");
    assertThat(again.revision()).isEqualTo(registered.revision());
    assertThat(again.updatedAt()).isEqualTo(registered.updatedAt());
    assertThat(runs.count("from-file-disabled")).isZero();
  }

  @Test
  void creatingAnIdenticalTaskAgainIsANoOpAndADifferentOneUnderItsIdIsRejected() {
    TaskDefinition nightly = aTask("nightly").cron("0 2 * * *").timeZone("Europe/London").payloadText("v1").tags("reports").build();
    TaskInfo first = tasks.create(nightly);
    TaskInfo again = tasks.create(nightly);

    assertThat(again.revision()).isEqualTo(first.revision());
    assertThat(again.updatedAt()).isEqualTo(first.updatedAt());
    assertThat(again.definition()).isEqualTo(first.definition());

    TaskDefinition changed = nightly.toBuilder().cron("0 3 * * *").build();
    assertThatThrownBy(() -> tasks.create(changed)).isInstanceOf(TaskgridAlreadyExistsException.class);
    TaskInfo stored = tasks.get("nightly");
    assertThat(stored.definition()).isEqualTo(first.definition());
    assertThat(stored.definition().trigger()).isEqualTo(new Trigger.Cron("0 2 * * *"));
    assertThat(stored.revision()).isEqualTo(first.revision());
  }

  @Test
  void listFiltersByStateTagAndCategoryAndReadsPageByPage() {
    String yearly = "0 0 1 1 *";
    tasks.create(aTask("t1").cron(yearly).tags("red").category("alpha").build());
    tasks.create(aTask("t2").cron(yearly).tags("red", "blue").category("beta").build());
    tasks.create(aTask("t3").cron(yearly).tags("blue").build());
    tasks.pause("t3");
    tasks.create(aTask("t4").cron(yearly).enabled(false).build());
    tasks.create(aTask("t5").after("1s").build());
    await().atMost(Duration.ofSeconds(30)).until(() -> tasks.get("t5").state() == TaskState.COMPLETED);

    assertThat(ids(TaskQuery.all())).containsExactly("t1", "t2", "t3", "t4", "t5");
    assertThat(ids(TaskQuery.all().withState(TaskState.ACTIVE))).containsExactly("t1", "t2");
    assertThat(ids(TaskQuery.all().withState(TaskState.PAUSED))).containsExactly("t3");
    assertThat(ids(TaskQuery.all().withState(TaskState.DISABLED))).containsExactly("t4");
    assertThat(ids(TaskQuery.all().withState(TaskState.COMPLETED))).containsExactly("t5");
    assertThat(ids(TaskQuery.all().withTag("red"))).containsExactly("t1", "t2");
    assertThat(ids(TaskQuery.all().withTag("blue"))).containsExactly("t2", "t3");
    assertThat(ids(TaskQuery.all().withCategory("alpha"))).containsExactly("t1");
    assertThat(ids(TaskQuery.all().withTag("red").withCategory("beta"))).containsExactly("t2");

    TaskPage one = tasks.list(TaskQuery.all().withPageSize(2));
    TaskPage two = tasks.list(TaskQuery.all().withPageSize(2).withPageToken(one.nextPageToken().orElseThrow()));
    TaskPage three = tasks.list(TaskQuery.all().withPageSize(2).withPageToken(two.nextPageToken().orElseThrow()));
    assertThat(one.tasks()).extracting(TaskInfo::id).containsExactly("t1", "t2");
    assertThat(two.tasks()).extracting(TaskInfo::id).containsExactly("t3", "t4");
    assertThat(three.tasks()).extracting(TaskInfo::id).containsExactly("t5");
    assertThat(three.nextPageToken()).isEmpty();
    assertThat(tasks.listAll(TaskQuery.all().withPageSize(2)).map(TaskInfo::id)).containsExactly("t1", "t2", "t3", "t4", "t5");
  }

  private List<String> ids(TaskQuery query) {
    return tasks.list(query).tasks().stream().map(TaskInfo::id).toList();
  }

  @Test
  void anUpdateReachesTheNextFiresAndAStaleRevisionIsAConflictThatChangesNothing() {
    TaskInfo created = tasks.create(aTask("edited").cron(EVERY_SECOND).payloadText("before").build());
    await().atMost(Duration.ofSeconds(30)).until(() -> runs.of("edited").stream().anyMatch(r -> r.payload().equals("before")));
    TaskInfo read = tasks.get("edited");
    assertThat(read.nextFireTime()).hasValueSatisfying(t -> assertThat(t).isAfter(read.lastFireTime().orElseThrow()));
    assertThat(read.lastExecutionId()).isPresent();

    TaskInfo updated = tasks.update(aTask("edited").cron(EVERY_SECOND).payloadText("after").build(), created.revision());
    assertThat(updated.revision()).isGreaterThan(created.revision());
    Instant changed = Instant.now();
    await().atMost(Duration.ofSeconds(30)).until(() -> runs.of("edited").stream()
        .anyMatch(r -> r.payload().equals("after") && r.scheduledAt().isAfter(changed)));
    assertThat(runs.of("edited")).filteredOn(r -> r.scheduledAt().isAfter(changed.plusSeconds(1)))
        .allSatisfy(r -> assertThat(r.payload()).isEqualTo("after"));

    assertThatThrownBy(() -> tasks.update(aTask("edited").cron(EVERY_SECOND).payloadText("stale").build(), created.revision()))
        .isInstanceOf(TaskgridConflictException.class);
    assertThat(tasks.get("edited").revision()).isEqualTo(updated.revision());
    assertThat(runs.doubles("edited")).isEmpty();
  }

  @Test
  void previewGivesTheNextFireTimesOfAnExpressionInAZone() {
    Instant from = Instant.parse("2026-03-28T12:00:00Z"); // London skips 01:00-02:00 on the 29th
    assertThat(tasks.preview("0 2 * * *", java.time.ZoneId.of("Europe/London"), from, 3)).containsExactly(
        Instant.parse("2026-03-29T01:00:00Z"), // 02:00 BST, an hour earlier in UTC than the day before
        Instant.parse("2026-03-30T01:00:00Z"),
        Instant.parse("2026-03-31T01:00:00Z"));
  }

  @Test
  void previewOfAnIntervalExpressionFollowsRealTimeThroughTheRepeatedHour() {
    Instant from = Instant.parse("2026-11-01T04:30:00Z"); // New York repeats 01:00-02:00 that night
    assertThat(tasks.preview("0 * * * *", java.time.ZoneId.of("America/New_York"), from, 4)).containsExactly(
        Instant.parse("2026-11-01T05:00:00Z"), // 01:00 EDT
        Instant.parse("2026-11-01T06:00:00Z"), // 01:00 EST
        Instant.parse("2026-11-01T07:00:00Z"), // 02:00 EST
        Instant.parse("2026-11-01T08:00:00Z"));
  }
}
