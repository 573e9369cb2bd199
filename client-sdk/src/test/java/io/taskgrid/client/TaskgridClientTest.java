package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against an in-process fake coordinator: mapping, batching, reconnecting, closing. */
class TaskgridClientTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final FakeTaskService fake = new FakeTaskService();
  private Server server;
  private TaskgridClient client;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(fake).build().start();
    client = TaskgridClient.builder()
        .channel(InProcessChannelBuilder.forName(name).build())
        .defaultDeadline(WAIT)
        .submitDeadline(WAIT)
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.shutdownNow();
  }

  private static TaskRequest echo() {
    return TaskRequest.builder("echo").payloadText("hi").build();
  }

  @Test
  void submitReturnsTheIdAndTheResultCompletesWhenTheServerPushesTheTerminalState() throws Exception {
    TaskHandle handle = client.submit(echo());

    assertThat(handle.id()).isNotBlank();
    assertThat(handle.duplicate()).isFalse();
    CompletableFuture<ExecutionInfo> result = handle.result();
    await().atMost(WAIT).until(() -> fake.watchedIds().contains(handle.id()));
    assertThat(result).isNotDone();

    fake.succeed(handle.id(), "done");

    ExecutionInfo info = result.get(5, TimeUnit.SECONDS);
    assertThat(info.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(info.result().asText()).isEqualTo("done");
    assertThat(fake.watchRequests).allSatisfy(r -> assertThat(r.getTerminalOnly()).isTrue());
  }

  @Test
  void sendsTheRequestFieldsAndReadsEveryFieldOfTheExecution() {
    TaskHandle handle = client.submit(TaskRequest.builder("email.send")
        .payloadJson(Map.of("to", "a@b.c"))
        .timeout(Duration.ofSeconds(30))
        .priority(Priority.HIGH)
        .label("tenant", "acme")
        .idempotencyKey("k-1")
        .circuitBreakerKey("smtp-eu")
        .build());
    SubmitTaskRequest sent = fake.submitted.get(0);
    assertThat(sent.getPolicy().getCircuitBreakerKey()).isEqualTo("smtp-eu");
    assertThat(sent.getPayload().getContentType()).isEqualTo("application/json");
    assertThat(sent.getPayload().getData().toStringUtf8()).isEqualTo("{\"to\":\"a@b.c\"}");
    assertThat(sent.getTimeout().getSeconds()).isEqualTo(30);
    assertThat(sent.getPriority()).isEqualTo(io.taskgrid.proto.v1.Priority.PRIORITY_HIGH);

    ExecutionInfo pending = client.get(handle.id());
    assertThat(pending.status()).isEqualTo(ExecutionStatus.PENDING);
    assertThat(pending.startedAt()).isNull();
    assertThat(pending.finishedAtIfAny()).isEmpty();
    assertThat(pending.result()).isNull();

    fake.start(handle.id());
    ExecutionInfo running = client.get(handle.id());
    assertThat(running.status()).isEqualTo(ExecutionStatus.RUNNING);
    assertThat(running.status().isTerminal()).isFalse();
    assertThat(running.startedAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_001));

    fake.succeed(handle.id(), "{\"sent\":true}");
    ExecutionInfo done = client.get(handle.id());
    assertThat(done.executionId()).isEqualTo(handle.id());
    assertThat(done.handler()).isEqualTo("email.send");
    assertThat(done.status().isTerminal()).isTrue();
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(done.priority()).isEqualTo(Priority.HIGH);
    assertThat(done.labels()).containsExactly(Map.entry("tenant", "acme"));
    assertThat(done.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(done.idempotencyKey()).isEqualTo("k-1");
    assertThat(done.submittedAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_000));
    assertThat(done.finishedAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_002));
    assertThat(done.workerId()).isEqualTo("worker-1");
    assertThat(done.result().asJson(Map.class)).isEqualTo(Map.of("sent", true));
    assertThat(done.error()).isNull();
  }

  @Test
  void completesResultsNormallyForFailedAndTimedOutExecutions() throws Exception {
    TaskHandle failed = client.submit(echo());
    TaskHandle timedOut = client.submit(echo());
    CompletableFuture<ExecutionInfo> failedResult = failed.result();
    CompletableFuture<ExecutionInfo> timedOutResult = timedOut.result();
    await().atMost(WAIT).until(() -> fake.watchedIds().containsAll(List.of(failed.id(), timedOut.id())));

    fake.end(failed.id(), io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_FAILED, "java.lang.IllegalStateException", "boom");
    fake.end(timedOut.id(), io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_TIMEOUT, "taskgrid.Timeout", "over 1s");

    assertThat(failedResult.get(5, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(failedResult.get().error()).isEqualTo(new ExecutionError("java.lang.IllegalStateException", "boom"));
    assertThat(timedOut.await(WAIT).status()).isEqualTo(ExecutionStatus.TIMEOUT);
    assertThat(timedOut.await(WAIT).errorIfAny()).contains(new ExecutionError("taskgrid.Timeout", "over 1s"));
  }

  @Test
  void mapsInvalidArgumentToATypedExceptionKeepingTheServersMessage() {
    fake.failSubmitsWith = Status.INVALID_ARGUMENT.withDescription("handler: must not be empty");

    Throwable thrown = catchThrowableOfType(TaskgridInvalidArgumentException.class, () -> client.submit(TaskRequest.builder("").build()));

    assertThat(thrown).hasMessage("handler: must not be empty").isNotInstanceOf(StatusRuntimeException.class);
    assertThat(((TaskgridInvalidArgumentException) thrown).field()).isEqualTo("handler");
    assertThat(((TaskgridException) thrown).isRetryable()).isFalse();
  }

  @Test
  void submitAsyncFailsItsFutureWithTheTypedExceptionOnly() {
    fake.failSubmitsWith = Status.INVALID_ARGUMENT.withDescription("labels: too many");

    assertThatThrownBy(() -> client.submitAsync(echo()).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(TaskgridInvalidArgumentException.class).hasMessage("labels: too many");
  }

  @Test
  void mapsNotFoundOnReadsAndOnResults() {
    assertThatThrownBy(() -> client.get("00000000-0000-7000-8000-999999999999"))
        .isInstanceOf(TaskgridNotFoundException.class)
        .hasMessageContaining("execution_id");

    TaskHandle handle = client.submit(echo());
    fake.executions.remove(handle.id()); // as if its record had expired

    assertThatThrownBy(() -> handle.result().get(5, TimeUnit.SECONDS))
        .cause().isInstanceOf(TaskgridNotFoundException.class).hasMessageContaining(handle.id());
  }

  @Test
  void mapsUnavailableToARetryableExceptionWithoutRetryingASubmissionWithoutKey() {
    fake.failSubmitsWith = Status.UNAVAILABLE.withDescription("Kafka is unreachable");

    assertThatThrownBy(() -> client.submit(echo()))
        .isInstanceOf(TaskgridUnavailableException.class)
        .hasMessage("Kafka is unreachable")
        .satisfies(e -> assertThat(((TaskgridException) e).isRetryable()).isTrue());
    assertThat(fake.submitCalls).hasValue(1);
  }

  @Test
  void retriesASubmissionWithAnIdempotencyKeyWhileUnavailable() {
    fake.unavailableSubmits.set(2);

    TaskHandle handle = client.submit(TaskRequest.builder("echo").idempotencyKey("order-42").build());

    assertThat(fake.submitCalls).hasValue(3);
    assertThat(fake.executions).containsKey(handle.id());
  }

  @Test
  void mapsOtherStatusesToTheRootExceptionWithTheCodeInTheMessage() {
    fake.failSubmitsWith = Status.RESOURCE_EXHAUSTED.withDescription("no");

    assertThatThrownBy(() -> client.submit(echo()))
        .isExactlyInstanceOf(TaskgridException.class)
        .hasMessage("RESOURCE_EXHAUSTED: no");
    fake.failSubmitsWith = Status.PERMISSION_DENIED.withDescription("role viewer may not call SubmitTask");
    assertThatThrownBy(() -> client.submit(echo())).isInstanceOf(TaskgridPermissionDeniedException.class)
        .hasMessage("role viewer may not call SubmitTask");
    fake.failSubmitsWith = Status.UNAUTHENTICATED.withDescription("unknown API key");
    assertThatThrownBy(() -> client.submit(echo())).isInstanceOf(TaskgridUnauthenticatedException.class).hasMessage("unknown API key");
    fake.failSubmitsWith = Status.ALREADY_EXISTS.withDescription("exists");
    assertThatThrownBy(() -> client.submit(echo())).isInstanceOf(TaskgridAlreadyExistsException.class);
  }

  @Test
  void reopensTheResultStreamAfterItBreaksAndMissesNoResult() throws Exception {
    TaskHandle a = client.submit(echo());
    TaskHandle b = client.submit(echo());
    CompletableFuture<ExecutionInfo> resultA = a.result();
    CompletableFuture<ExecutionInfo> resultB = b.result();
    await().atMost(WAIT).until(() -> fake.watchedIds().containsAll(List.of(a.id(), b.id())));

    fake.dropWatchers();
    fake.succeed(a.id(), "a"); // while no stream is open: the reopened stream must still deliver it

    await().atMost(WAIT).until(() -> fake.watchStreamsOpened.get() == 2 && fake.openWatchers() == 1);
    assertThat(resultA.get(5, TimeUnit.SECONDS).result().asText()).isEqualTo("a");
    fake.succeed(b.id(), "b");
    assertThat(resultB.get(5, TimeUnit.SECONDS).result().asText()).isEqualTo("b");
  }

  @Test
  void waitsForManyResultsOverOneStream() {
    List<TaskRequest> requests = new ArrayList<>();
    for (int i = 0; i < 500; i++) requests.add(echo());
    List<CompletableFuture<ExecutionInfo>> results = client.submitAll(requests).stream().map(TaskHandle::result).toList();
    await().atMost(WAIT).until(() -> fake.watchedIds().size() == 500);

    fake.executions.keySet().forEach(id -> fake.succeed(id, "ok"));

    await().atMost(WAIT).until(() -> results.stream().allMatch(CompletableFuture::isDone));
    assertThat(results).allSatisfy(r -> assertThat(r.join().status()).isEqualTo(ExecutionStatus.SUCCEEDED));
    assertThat(fake.watchStreamsOpened).hasValue(1);
    assertThat(fake.watchRequests.size()).isLessThanOrEqualTo(500);
  }

  @Test
  void moreResultsAwaitedThanOneStreamMayWatchWaitInTheClientForRoom() {
    List<TaskRequest> requests = new ArrayList<>();
    for (int i = 0; i < 1000; i++) requests.add(echo());
    List<TaskHandle> handles = new ArrayList<>();
    for (int i = 0; i < 120; i++) handles.addAll(client.submitAll(requests)); // 120,000: a coordinator watches at most 100,000 a stream
    List<CompletableFuture<ExecutionInfo>> results = handles.stream().map(TaskHandle::result).toList();
    for (int round = 1; round <= 3; round++) {
      int expected = Math.min(120_000, round * 50_000); // each round the client watches 50,000 more as the last ones end
      await().atMost(WAIT).until(() -> new java.util.HashSet<>(fake.watchedIds()).size() == expected);
      java.util.Set<String> asked = new java.util.HashSet<>(fake.watchedIds());
      List<String> watched = handles.stream().map(TaskHandle::id).filter(asked::contains)
          .filter(id -> !fake.executions.get(id).getStatus().equals(io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_SUCCEEDED)).toList();
      fake.succeedTogether(watched, "ok");
      await().atMost(WAIT).until(() -> results.stream().filter(CompletableFuture::isDone).count() == expected);
    }

    assertThat(results).allSatisfy(r -> assertThat(r.join().status()).isEqualTo(ExecutionStatus.SUCCEEDED));
    assertThat(fake.watchStreamsExhausted).hasValue(0);
    assertThat(fake.watchStreamsOpened).hasValue(1);
    assertThat(fake.mostWatchedAtOnce.get()).isLessThanOrEqualTo(50_000);
  }

  @Test
  void resultsSentTogetherInOneMessageCompleteEachOfTheirFutures() {
    List<TaskRequest> requests = new ArrayList<>();
    for (int i = 0; i < 50; i++) requests.add(echo());
    List<TaskHandle> handles = client.submitAll(requests);
    List<CompletableFuture<ExecutionInfo>> results = handles.stream().map(TaskHandle::result).toList();
    await().atMost(WAIT).until(() -> fake.watchedIds().size() == 50);
    assertThat(fake.watchRequests).allSatisfy(r -> assertThat(r.getBatch()).isTrue());

    fake.succeedTogether(handles.stream().map(TaskHandle::id).toList(), "together");

    await().atMost(WAIT).until(() -> results.stream().allMatch(CompletableFuture::isDone));
    for (int i = 0; i < handles.size(); i++) {
      ExecutionInfo info = results.get(i).join();
      assertThat(info.executionId()).isEqualTo(handles.get(i).id());
      assertThat(info.result().asText()).isEqualTo("together");
    }
  }

  @Test
  void submitAllSplitsIntoCallsOfAtMostAThousandKeepingTheOrder() {
    List<TaskRequest> requests = new ArrayList<>();
    for (int i = 0; i < 2500; i++) requests.add(TaskRequest.builder("echo").payloadText("t" + i).build());

    List<TaskHandle> handles = client.submitAll(requests);

    assertThat(fake.batchSizes).containsExactly(1000, 1000, 500);
    assertThat(handles).hasSize(2500);
    assertThat(handles.stream().map(TaskHandle::id).distinct()).hasSize(2500);
    for (int i : List.of(0, 999, 1000, 2499)) {
      assertThat(fake.submitted.get(i).getPayload().getData().toStringUtf8()).isEqualTo("t" + i);
      assertThat(client.get(handles.get(i).id()).handler()).isEqualTo("echo");
    }
    assertThat(client.submitAll(List.of())).isEmpty();
  }

  @Test
  void submitAllNamesTheInvalidTaskByItsIndexInTheWholeList() {
    List<TaskRequest> requests = new ArrayList<>();
    for (int i = 0; i < 1500; i++) requests.add(echo());
    fake.failBatch(1, Status.INVALID_ARGUMENT.withDescription("tasks[3].handler: must not be empty"));

    assertThatThrownBy(() -> client.submitAll(requests))
        .isInstanceOf(TaskgridInvalidArgumentException.class)
        .hasMessage("tasks[1003].handler: must not be empty")
        .satisfies(e -> assertThat(((TaskgridInvalidArgumentException) e).field()).isEqualTo("tasks[1003].handler"));
    assertThat(fake.batchSizes).containsExactly(1000);
  }

  @Test
  void watchDeliversEachStatusOnceAndEndsAfterTheTerminalOne() throws Exception {
    TaskHandle handle = client.submit(echo());
    List<ExecutionStatus> seen = new CopyOnWriteArrayList<>();

    Subscription subscription = client.watch(handle.id(), info -> seen.add(info.status()));
    await().atMost(WAIT).until(() -> seen.contains(ExecutionStatus.PENDING));
    fake.start(handle.id());
    await().atMost(WAIT).until(() -> seen.contains(ExecutionStatus.RUNNING));
    fake.succeed(handle.id(), "ok");

    assertThat(subscription.completion().get(5, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(seen).containsExactly(ExecutionStatus.PENDING, ExecutionStatus.RUNNING, ExecutionStatus.SUCCEEDED);
    subscription.close(); // idempotent after the end
  }

  @Test
  void watchOfAnUnknownExecutionEndsWithNotFound() {
    Subscription subscription = client.watch("00000000-0000-7000-8000-999999999999", info -> {});

    assertThatThrownBy(() -> subscription.completion().get(5, TimeUnit.SECONDS)).cause().isInstanceOf(TaskgridNotFoundException.class);
  }

  @Test
  void closingFailsPendingResultsAndRefusesNewCalls() {
    TaskHandle handle = client.submit(echo());
    CompletableFuture<ExecutionInfo> result = handle.result();
    await().atMost(WAIT).until(() -> fake.watchedIds().contains(handle.id()));

    client.close();
    client.close();

    assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS))
        .cause().isExactlyInstanceOf(TaskgridException.class).hasMessageContaining("client closed");
    assertThatThrownBy(() -> handle.await(WAIT)).hasMessageContaining("client closed");
    assertThatThrownBy(() -> client.submit(echo())).isInstanceOf(TaskgridException.class).hasMessage("client closed");
    assertThatThrownBy(() -> client.get(handle.id())).isInstanceOf(TaskgridException.class).hasMessage("client closed");
  }

  @Test
  void awaitThrowsARetryableExceptionWhenTheTimeoutPasses() {
    TaskHandle handle = client.submit(echo());

    assertThatThrownBy(() -> handle.await(Duration.ofMillis(50)))
        .isInstanceOf(TaskgridException.class)
        .hasMessageContaining("did not finish within")
        .satisfies(e -> assertThat(((TaskgridException) e).isRetryable()).isTrue());
  }
}
