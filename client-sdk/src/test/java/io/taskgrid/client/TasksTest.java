package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.taskgrid.proto.v1.CreateTaskRequest;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.PreviewScheduleRequest;
import io.taskgrid.proto.v1.PublishEventRequest;
import io.taskgrid.proto.v1.RunTaskRequest;
import io.taskgrid.proto.v1.Task;
import io.taskgrid.proto.v1.UpdateTaskRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registered tasks and events against the in-process fake coordinator. */
class TasksTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final FakeTaskService fake = new FakeTaskService();
  private Server server;
  private TaskgridClient client;
  private Tasks tasks;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(fake).build().start();
    client = TaskgridClient.builder()
        .channel(InProcessChannelBuilder.forName(name).build())
        .defaultDeadline(WAIT)
        .submitDeadline(WAIT)
        .build();
    tasks = client.tasks();
  }

  @AfterEach
  void stop() {
    client.close();
    server.shutdownNow();
  }

  private static TaskDefinition.Builder aTask(String id) {
    return TaskDefinition.builder(id, "reports.nightly");
  }

  private io.taskgrid.proto.v1.TaskDefinition lastCreated() {
    List<CreateTaskRequest> sent = fake.taskRequests(CreateTaskRequest.class);
    return sent.get(sent.size() - 1).getTask();
  }

  @Test
  void createSendsEveryFieldOfTheDefinition() {
    tasks.create(TaskDefinition.builder("nightly-report", "reports.nightly")
        .name("Nightly report")
        .description("The sales of the day, as PDF")
        .cron("0 2 * * *")
        .timeZone("Europe/London")
        .payloadJson(Map.of("format", "pdf"))
        .tags("reports", "finance")
        .category("billing")
        .metadata("owner", "team-a")
        .metadata("tier", "1")
        .enabled(false)
        .misfirePolicy(MisfirePolicy.CATCH_UP)
        .catchUpWindow(Duration.ofHours(6))
        .jitter(Duration.ofSeconds(30))
        .timeout(Duration.ofMinutes(10))
        .priority(Priority.HIGH)
        .build());

    io.taskgrid.proto.v1.TaskDefinition sent = lastCreated();
    assertThat(sent.getId()).isEqualTo("nightly-report");
    assertThat(sent.getHandler()).isEqualTo("reports.nightly");
    assertThat(sent.getName()).isEqualTo("Nightly report");
    assertThat(sent.getDescription()).isEqualTo("The sales of the day, as PDF");
    assertThat(sent.getTrigger().getCron()).isEqualTo("0 2 * * *");
    assertThat(sent.getTimeZone()).isEqualTo("Europe/London");
    assertThat(sent.getPayload().getData().toStringUtf8()).isEqualTo("{\"format\":\"pdf\"}");
    assertThat(sent.getPayload().getContentType()).isEqualTo("application/json");
    assertThat(sent.getTagsList()).containsExactly("reports", "finance");
    assertThat(sent.getCategory()).isEqualTo("billing");
    assertThat(sent.getMetadataMap()).containsExactlyInAnyOrderEntriesOf(Map.of("owner", "team-a", "tier", "1"));
    assertThat(sent.hasEnabled()).isTrue();
    assertThat(sent.getEnabled()).isFalse();
    assertThat(sent.getMisfirePolicy()).isEqualTo(io.taskgrid.proto.v1.MisfirePolicy.MISFIRE_POLICY_CATCH_UP);
    assertThat(sent.getCatchUpWindow().getSeconds()).isEqualTo(6 * 3600);
    assertThat(sent.getJitter().getSeconds()).isEqualTo(30);
    assertThat(sent.getTimeout().getSeconds()).isEqualTo(600);
    assertThat(sent.getPriority()).isEqualTo(io.taskgrid.proto.v1.Priority.PRIORITY_HIGH);
  }

  @Test
  void leavesUnsetOptionalFieldsUnsetOnTheWire() {
    tasks.create(aTask("on-demand").build());

    io.taskgrid.proto.v1.TaskDefinition sent = lastCreated();
    assertThat(sent.hasTrigger()).isFalse();
    assertThat(sent.getName()).isEmpty();
    assertThat(sent.getDescription()).isEmpty();
    assertThat(sent.getTimeZone()).isEmpty();
    assertThat(sent.getCategory()).isEmpty();
    assertThat(sent.hasCatchUpWindow()).isFalse();
    assertThat(sent.hasJitter()).isFalse();
    assertThat(sent.hasTimeout()).isFalse();
    assertThat(sent.getEnabled()).isTrue();
    assertThat(sent.getMisfirePolicy()).isEqualTo(io.taskgrid.proto.v1.MisfirePolicy.MISFIRE_POLICY_FIRE_ONCE);
    assertThat(sent.getPriority()).isEqualTo(io.taskgrid.proto.v1.Priority.PRIORITY_MEDIUM);
    assertThat(sent.getPayload().getData()).isEmpty();
  }

  @Test
  void sendsEachTriggerKindInItsOwnField() {
    Map<String, Consumer<TaskDefinition.Builder>> triggers = Map.of(
        "cron", b -> b.cron("@every 90s"),
        "after-text", b -> b.after("in 5 minutes"),
        "after-duration", b -> b.after(Duration.ofMinutes(90)),
        "at-text", b -> b.at("2026-12-24T18:00"),
        "at-instant", b -> b.at(Instant.parse("2026-12-24T17:00:00Z")),
        "at-zoned", b -> b.at(ZonedDateTime.of(LocalDateTime.parse("2026-12-24T18:00"), ZoneId.of("America/New_York"))),
        "event", b -> b.onEvent("user:*"));
    triggers.forEach((id, trigger) -> {
      TaskDefinition.Builder b = aTask(id);
      trigger.accept(b);
      tasks.create(b.build());
    });

    Map<String, io.taskgrid.proto.v1.TaskDefinition> sent = new java.util.HashMap<>();
    fake.taskRequests(CreateTaskRequest.class).forEach(r -> sent.put(r.getTask().getId(), r.getTask()));
    assertThat(sent.get("cron").getTrigger().getCron()).isEqualTo("@every 90s");
    assertThat(sent.get("after-text").getTrigger().getAfter()).isEqualTo("in 5 minutes");
    assertThat(sent.get("after-duration").getTrigger().getAfter()).isEqualTo("1h30m");
    assertThat(sent.get("at-text").getTrigger().getAt()).isEqualTo("2026-12-24T18:00");
    assertThat(sent.get("at-text").getTimeZone()).isEmpty();
    assertThat(sent.get("at-instant").getTrigger().getAt()).isEqualTo("2026-12-24T17:00:00Z");
    assertThat(sent.get("at-zoned").getTrigger().getAt()).isEqualTo("2026-12-24T18:00");
    assertThat(sent.get("at-zoned").getTimeZone()).isEqualTo("America/New_York");
    assertThat(sent.get("event").getTrigger().getEvent()).isEqualTo("user:*");
    assertThat(sent.values()).allSatisfy(d -> assertThat(d.hasTrigger()).isTrue());
  }

  @Test
  void readsEveryFieldOfTheStoredTask() {
    fake.tasks.put("nightly-report", Task.newBuilder()
        .setDefinition(io.taskgrid.proto.v1.TaskDefinition.newBuilder()
            .setId("nightly-report").setHandler("reports.nightly").setName("Nightly report").setDescription("PDF")
            .setPayload(io.taskgrid.proto.v1.Payload.newBuilder().setData(ByteString.copyFromUtf8("hi"))) // no content type
            .setTrigger(io.taskgrid.proto.v1.Trigger.newBuilder().setCron("0 2 * * *"))
            .setTimeZone("Europe/London").setEnabled(true).addTags("finance").addTags("reports").setCategory("billing")
            .putMetadata("owner", "team-a").setMisfirePolicy(io.taskgrid.proto.v1.MisfirePolicy.MISFIRE_POLICY_SKIP)
            .setJitter(com.google.protobuf.Duration.newBuilder().setSeconds(30))
            .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(600).setNanos(500_000_000))
            .setPriority(io.taskgrid.proto.v1.Priority.PRIORITY_LOW))
        .setState(io.taskgrid.proto.v1.TaskState.TASK_STATE_PAUSED)
        .setCreatedAt(Timestamp.newBuilder().setSeconds(1_700_000_000))
        .setUpdatedAt(Timestamp.newBuilder().setSeconds(1_700_000_100).setNanos(5))
        .setNextFireTime(Timestamp.newBuilder().setSeconds(1_700_003_600))
        .setLastFireTime(Timestamp.newBuilder().setSeconds(1_699_996_400))
        .setLastExecutionId("00000000-0000-7000-8000-000000000042")
        .setRevision(7)
        .build());

    TaskInfo info = tasks.get("nightly-report");

    assertThat(info.id()).isEqualTo("nightly-report");
    assertThat(info.state()).isEqualTo(TaskState.PAUSED);
    assertThat(info.createdAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_000));
    assertThat(info.updatedAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_100, 5));
    assertThat(info.nextFireTime()).contains(Instant.ofEpochSecond(1_700_003_600));
    assertThat(info.lastFireTime()).contains(Instant.ofEpochSecond(1_699_996_400));
    assertThat(info.lastExecutionId()).contains("00000000-0000-7000-8000-000000000042");
    assertThat(info.revision()).isEqualTo(7);
    TaskDefinition d = info.definition();
    assertThat(d.handler()).isEqualTo("reports.nightly");
    assertThat(d.name()).contains("Nightly report");
    assertThat(d.description()).contains("PDF");
    assertThat(d.payload()).isEqualTo(Payload.of("hi".getBytes(), "application/octet-stream"));
    assertThat(d.trigger()).isEqualTo(new Trigger.Cron("0 2 * * *"));
    assertThat(d.timeZone()).contains("Europe/London");
    assertThat(d.enabled()).isTrue();
    assertThat(d.tags()).containsExactly("finance", "reports");
    assertThat(d.category()).contains("billing");
    assertThat(d.metadata()).containsExactly(Map.entry("owner", "team-a"));
    assertThat(d.misfirePolicy()).isEqualTo(MisfirePolicy.SKIP);
    assertThat(d.catchUpWindow()).isEmpty();
    assertThat(d.jitter()).contains(Duration.ofSeconds(30));
    assertThat(d.timeout()).contains(Duration.ofSeconds(600, 500_000_000));
    assertThat(d.priority()).isEqualTo(Priority.LOW);
  }

  @Test
  void readsAbsentScheduleValuesAsEmptyAndEveryTriggerKindBack() {
    List<TaskDefinition> definitions = List.of(
        aTask("a").build(),
        aTask("b").after("5m").build(),
        aTask("c").at("2026-12-24T17:00:00Z").build(),
        aTask("d").onEvent("audit:*").payloadText("x").build(),
        aTask("e").cron("0 2 * * *").timeZone("Asia/Tokyo").misfirePolicy(MisfirePolicy.CATCH_UP).catchUpWindow(Duration.ofMinutes(5)).build());

    for (TaskDefinition d : definitions) {
      TaskInfo created = tasks.create(d);
      assertThat(created.definition()).as(d.id()).isEqualTo(d);
      assertThat(tasks.get(d.id()).definition()).as(d.id()).isEqualTo(d);
    }
    TaskInfo onDemand = tasks.get("a");
    assertThat(onDemand.state()).isEqualTo(TaskState.ACTIVE);
    assertThat(onDemand.nextFireTime()).isEmpty();
    assertThat(onDemand.lastFireTime()).isEmpty();
    assertThat(onDemand.lastExecutionId()).isEmpty();
    assertThat(onDemand.revision()).isEqualTo(1);
    assertThat(onDemand.definition().trigger()).isInstanceOf(Trigger.OnDemand.class);
    assertThat(tasks.get("e").nextFireTime()).isPresent();
  }

  @Test
  void createIsANoOpForAnIdenticalDefinitionAndAlreadyExistsForAnother() {
    TaskDefinition nightly = aTask("nightly-report").cron("0 2 * * *").build();
    TaskInfo first = tasks.create(nightly);

    TaskInfo again = tasks.create(nightly);

    assertThat(again).isEqualTo(first);
    assertThat(again.revision()).isEqualTo(1);
    assertThatThrownBy(() -> tasks.create(nightly.toBuilder().cron("0 3 * * *").build()))
        .isInstanceOf(TaskgridAlreadyExistsException.class)
        .hasMessageContaining("nightly-report")
        .satisfies(e -> assertThat(((TaskgridException) e).isRetryable()).isFalse());
    assertThat(tasks.get("nightly-report").definition()).isEqualTo(nightly);
  }

  @Test
  void surfacesTheFieldTheServerRejected() {
    TaskgridInvalidArgumentException e = catchThrowableOfType(
        TaskgridInvalidArgumentException.class, () -> tasks.create(aTask("bad").cron("every day at 2").build()));

    assertThat(e).isNotInstanceOf(StatusRuntimeException.class).hasMessageContaining("every day at 2");
    assertThat(e.field()).isEqualTo("task.trigger.cron");
    assertThat(e.isRetryable()).isFalse();
    assertThat(fake.tasks).isEmpty();
  }

  @Test
  void updatesOnlyTheRevisionReadAndReportsAStaleOneAsAConflict() {
    TaskInfo v1 = tasks.create(aTask("nightly-report").cron("0 2 * * *").build());

    TaskInfo v2 = tasks.update(v1.definition().toBuilder().cron("0 3 * * *").build(), v1.revision());
    assertThat(v2.revision()).isEqualTo(2);
    assertThat(v2.definition().trigger()).isEqualTo(new Trigger.Cron("0 3 * * *"));
    assertThat(fake.taskRequests(UpdateTaskRequest.class).get(0).getExpectedRevision()).isEqualTo(1);

    TaskDefinition stale = v1.definition().toBuilder().cron("0 4 * * *").build();
    assertThatThrownBy(() -> tasks.update(stale, v1.revision()))
        .isInstanceOf(TaskgridConflictException.class)
        .hasMessageContaining("revision 2")
        .satisfies(e -> assertThat(((TaskgridException) e).isRetryable()).isFalse());
    assertThat(tasks.get("nightly-report").definition().trigger()).isEqualTo(new Trigger.Cron("0 3 * * *"));

    TaskInfo v3 = tasks.update(stale);
    assertThat(v3.revision()).isEqualTo(3);
    assertThat(fake.taskRequests(UpdateTaskRequest.class).get(2).getExpectedRevision()).isZero();
    assertThatThrownBy(() -> tasks.update(stale, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unknownTaskIdsAreNotFound() {
    List<Runnable> calls = List.of(
        () -> tasks.get("nope"),
        () -> tasks.update(aTask("nope").build()),
        () -> tasks.update(aTask("nope").build(), 1),
        () -> tasks.pause("nope"),
        () -> tasks.resume("nope"),
        () -> tasks.delete("nope"),
        () -> tasks.runNow("nope"));

    for (Runnable call : calls) {
      assertThatThrownBy(call::run).isInstanceOf(TaskgridNotFoundException.class).hasMessageContaining("nope");
    }
  }

  @Test
  void pauseAndResumeChangeTheStateAndRepeatingThemChangesNothing() {
    tasks.create(aTask("nightly-report").cron("0 2 * * *").build());

    TaskInfo paused = tasks.pause("nightly-report");
    assertThat(paused.state()).isEqualTo(TaskState.PAUSED);
    assertThat(paused.nextFireTime()).isEmpty();
    assertThat(tasks.pause("nightly-report").revision()).isEqualTo(paused.revision());

    TaskInfo resumed = tasks.resume("nightly-report");
    assertThat(resumed.state()).isEqualTo(TaskState.ACTIVE);
    assertThat(resumed.nextFireTime()).isPresent();
    assertThat(tasks.resume("nightly-report").revision()).isEqualTo(resumed.revision());
  }

  @Test
  void deleteRemovesTheTask() {
    tasks.create(aTask("nightly-report").build());

    tasks.delete("nightly-report");

    assertThatThrownBy(() -> tasks.get("nightly-report")).isInstanceOf(TaskgridNotFoundException.class);
    assertThatThrownBy(() -> tasks.delete("nightly-report")).isInstanceOf(TaskgridNotFoundException.class);
  }

  @Test
  void retriesCallsThatAreSafeToRepeatWhileUnavailable() {
    tasks.create(aTask("existing").cron("0 2 * * *").build());
    Map<String, Runnable> safe = new java.util.LinkedHashMap<>();
    safe.put("UpdateTask", () -> tasks.update(aTask("existing").cron("0 3 * * *").build(), 1));
    safe.put("CreateTask", () -> tasks.create(aTask("nightly-report").build()));
    safe.put("GetTask", () -> tasks.get("existing"));
    safe.put("ListTasks", () -> tasks.list(TaskQuery.all()));
    safe.put("PauseTask", () -> tasks.pause("existing"));
    safe.put("ResumeTask", () -> tasks.resume("existing"));
    safe.put("PreviewSchedule", () -> tasks.preview("0 2 * * *", 3));

    safe.forEach((method, call) -> {
      int before = fake.taskCalls(method);
      fake.unavailableTaskCalls.set(2);
      call.run();
      assertThat(fake.taskCalls(method) - before).as(method).isEqualTo(3);
    });
    assertThat(fake.tasks).containsKey("nightly-report");
  }

  @Test
  void doesNotRetryCallsThatCouldTakeEffectTwice() {
    tasks.create(aTask("existing").build());
    Map<String, Runnable> unsafe = Map.of(
        "DeleteTask", () -> tasks.delete("existing"),
        "RunTask", () -> tasks.runNow("existing"),
        "UpdateTask", () -> tasks.update(aTask("existing").cron("0 3 * * *").build()),
        "PublishEvent", () -> client.events().publish("user:signup"));

    unsafe.forEach((method, call) -> {
      fake.unavailableTaskCalls.set(1);
      assertThatThrownBy(call::run).as(method)
          .isInstanceOf(TaskgridUnavailableException.class)
          .hasMessage("Kafka is unreachable")
          .satisfies(e -> assertThat(((TaskgridException) e).isRetryable()).isTrue());
      assertThat(fake.taskCalls(method)).as(method).isEqualTo(1);
    });
    assertThat(fake.tasks).containsKey("existing");
  }

  @Test
  void listSendsTheQueryAndReadsOnePage() {
    for (String id : List.of("a", "b", "c")) tasks.create(aTask(id).tags("reports").category("billing").build());
    tasks.create(aTask("d").build());
    tasks.pause("b");

    TaskPage page = tasks.list(TaskQuery.all().withState(TaskState.ACTIVE).withTag("reports").withCategory("billing").withPageSize(1));

    ListTasksRequest sent = fake.taskRequests(ListTasksRequest.class).get(0);
    assertThat(sent.getState()).isEqualTo(io.taskgrid.proto.v1.TaskState.TASK_STATE_ACTIVE);
    assertThat(sent.getTag()).isEqualTo("reports");
    assertThat(sent.getCategory()).isEqualTo("billing");
    assertThat(sent.getPageSize()).isEqualTo(1);
    assertThat(sent.getPageToken()).isEmpty();
    assertThat(page.tasks()).extracting(TaskInfo::id).containsExactly("a");
    assertThat(page.nextPageToken()).contains("a");

    TaskPage last = tasks.list(TaskQuery.all().withState(TaskState.ACTIVE).withTag("reports").withPageToken("a"));
    assertThat(last.tasks()).extracting(TaskInfo::id).containsExactly("c");
    assertThat(last.nextPageToken()).isEmpty();
  }

  @Test
  void listAllFollowsThePageTokensAsTheStreamIsConsumed() {
    for (int i = 1; i <= 7; i++) tasks.create(aTask("t" + i).build());
    TaskQuery query = TaskQuery.all().withPageSize(3);

    Stream<TaskInfo> all = tasks.listAll(query);
    assertThat(fake.taskCalls("ListTasks")).isZero();
    assertThat(all.map(TaskInfo::id).toList()).containsExactly("t1", "t2", "t3", "t4", "t5", "t6", "t7");

    assertThat(fake.taskRequests(ListTasksRequest.class)).extracting(ListTasksRequest::getPageToken).containsExactly("", "t3", "t6");
    assertThat(fake.taskRequests(ListTasksRequest.class)).allSatisfy(r -> assertThat(r.getPageSize()).isEqualTo(3));

    assertThat(tasks.listAll(query).limit(2).toList()).hasSize(2);
    assertThat(fake.taskCalls("ListTasks")).isEqualTo(4);
    assertThat(tasks.listAll(TaskQuery.all().withTag("none"))).isEmpty();
  }

  @Test
  void runNowReturnsAHandleWhoseResultArrivesOnTheResultStream() throws Exception {
    tasks.create(aTask("nightly-report").payloadText("default").enabled(false).build());

    TaskHandle handle = tasks.runNow("nightly-report");

    assertThat(fake.taskRequests(RunTaskRequest.class).get(0).hasPayload()).isFalse();
    assertThat(client.get(handle.id()).handler()).isEqualTo("reports.nightly");
    assertThat(fake.submitted.get(0).getPayload().getData().toStringUtf8()).isEqualTo("default");
    var result = handle.result();
    await().atMost(WAIT).until(() -> fake.watchedIds().contains(handle.id()));
    fake.succeed(handle.id(), "sent");
    ExecutionInfo done = handle.await(WAIT);
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.result().asText()).isEqualTo("sent");
    assertThat(result).isCompleted();
  }

  @Test
  void runNowWithAPayloadSendsItInsteadOfTheTasksOwn() {
    tasks.create(aTask("nightly-report").payloadText("default").build());

    TaskHandle handle = tasks.runNow("nightly-report", Payload.json(Map.of("day", "2026-01-01")));

    RunTaskRequest sent = fake.taskRequests(RunTaskRequest.class).get(0);
    assertThat(sent.getTaskId()).isEqualTo("nightly-report");
    assertThat(sent.getPayload().getContentType()).isEqualTo("application/json");
    assertThat(sent.getPayload().getData().toStringUtf8()).isEqualTo("{\"day\":\"2026-01-01\"}");
    assertThat(fake.executions).containsKey(handle.id());
  }

  @Test
  void previewSendsTheExpressionZoneStartAndCountAndReadsTheFireTimes() {
    Instant from = Instant.parse("2026-03-29T00:00:00Z");

    List<Instant> times = tasks.preview("0 2 * * *", ZoneId.of("Europe/London"), from, 3);

    PreviewScheduleRequest sent = fake.taskRequests(PreviewScheduleRequest.class).get(0);
    assertThat(sent.getExpression()).isEqualTo("0 2 * * *");
    assertThat(sent.getTimeZone()).isEqualTo("Europe/London");
    assertThat(sent.getFrom().getSeconds()).isEqualTo(from.getEpochSecond());
    assertThat(sent.getCount()).isEqualTo(3);
    assertThat(times).containsExactly(from.plusSeconds(3600), from.plusSeconds(7200), from.plusSeconds(10800));

    assertThat(tasks.preview("@hourly", 0)).hasSize(10);
    PreviewScheduleRequest defaults = fake.taskRequests(PreviewScheduleRequest.class).get(1);
    assertThat(defaults.getTimeZone()).isEmpty();
    assertThat(defaults.hasFrom()).isFalse();
  }

  @Test
  void publishesEventsAndReturnsTheirIds() {
    String first = client.events().publish("user:signup", Payload.json(Map.of("userId", 42)));
    String second = client.events().publish("audit:login");

    assertThat(first).isEqualTo("taskgrid.events-0@0");
    assertThat(second).isEqualTo("taskgrid.events-0@1");
    List<PublishEventRequest> sent = fake.taskRequests(PublishEventRequest.class);
    assertThat(sent.get(0).getName()).isEqualTo("user:signup");
    assertThat(sent.get(0).getData().getData().toStringUtf8()).isEqualTo("{\"userId\":42}");
    assertThat(sent.get(0).getData().getContentType()).isEqualTo("application/json");
    assertThat(sent.get(1).hasData()).isFalse();
  }

  @Test
  void otherStatusesMapToTheRootExceptionAndAClosedClientRefusesTaskCalls() {
    fake.failTasksWith = io.grpc.Status.DATA_LOSS.withDescription("no");
    assertThatThrownBy(() -> tasks.get("x")).isExactlyInstanceOf(TaskgridException.class).hasMessage("DATA_LOSS: no");
    fake.failTasksWith = io.grpc.Status.PERMISSION_DENIED.withDescription("role viewer may not call GetTask");
    assertThatThrownBy(() -> tasks.get("x")).isInstanceOf(TaskgridPermissionDeniedException.class);
    fake.failTasksWith = null;

    client.close();

    assertThatThrownBy(() -> tasks.get("x")).isExactlyInstanceOf(TaskgridException.class).hasMessage("client closed");
    assertThatThrownBy(() -> client.events().publish("x")).isExactlyInstanceOf(TaskgridException.class).hasMessage("client closed");
  }
}
