package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.TaskgridNotFoundException;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.e2e.support.Inspect;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.worker.InvalidPayloadException;
import io.taskgrid.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/** The whole path against real Kafka and Redis: SDK -> coordinator -> Kafka -> worker -> coordinator -> SDK. */
class EndToEndIT {
  record Email(String to, String subject) {}

  private final TestCluster cluster = new TestCluster();
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private Coordinator coordinator;
  private TaskgridClient client;

  private Worker.Builder handlers(Worker.Builder b) {
    return b
        .handler("count", ctx -> {
          runs.computeIfAbsent(ctx.executionId(), k -> new AtomicInteger()).incrementAndGet();
          return "ran " + ctx.payloadText();
        })
        .handler("stubborn", ctx -> {
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            interrupted.set(true);
            throw e;
          }
          return "never";
        })
        .handler("big", ctx -> "x".repeat(Integer.parseInt(ctx.payloadText())))
        .handler("explode", ctx -> {
          throw new IllegalArgumentException("bad things: " + ctx.payloadText());
        })
        .handler("email.send", Email.class, email -> {
          if (email.to() == null || !email.to().contains("@")) throw new InvalidPayloadException("to: not an address: " + email.to());
        }, (ctx, email) -> {
          runs.computeIfAbsent(ctx.executionId(), k -> new AtomicInteger()).incrementAndGet();
          return Map.of("sentTo", email.to());
        });
  }

  @BeforeEach
  void start() {
    coordinator = cluster.coordinator();
    client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private Worker worker() {
    return cluster.worker(List.of(TestCluster.address(coordinator)), this::handlers);
  }

  @Test
  void everyOfAThousandTasksReachesItsCallerAndAHandlerExactlyOnce() {
    worker();
    worker();
    List<TaskRequest> requests = new ArrayList<>();
    for (int i = 0; i < 1000; i++) requests.add(TaskRequest.builder("count").payloadText(Integer.toString(i)).build());
    List<TaskHandle> handles = new ArrayList<>();
    for (int i = 0; i < 1000; i += 100) handles.addAll(client.submitAll(requests.subList(i, i + 100)));

    CompletableFuture.allOf(handles.stream().map(TaskHandle::result).toArray(CompletableFuture[]::new))
        .orTimeout(120, java.util.concurrent.TimeUnit.SECONDS).join();
    for (int i = 0; i < 1000; i++) {
      ExecutionInfo info = handles.get(i).result().join();
      assertThat(info.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(info.result().asText()).isEqualTo("ran " + i);
    }
    assertThat(runs).hasSize(1000);
    assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(handles.stream().map(TaskHandle::id).distinct()).hasSize(1000);
  }

  @Test
  void aRedeliveredMessageOfACompletedExecutionIsNotRunAgain() throws Exception {
    worker();
    TaskHandle handle = client.submit(TaskRequest.builder("count").payloadText("once").build());
    assertThat(handle.result().get(60, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

    // the same task message again, as Kafka redelivers it after a crash before the commit
    TaskMessage again = TaskMessage.newBuilder().setExecutionId(handle.id()).setHandler("count")
        .setPayload(io.taskgrid.proto.v1.Payload.newBuilder().setData(com.google.protobuf.ByteString.copyFromUtf8("once")))
        .setAttempt(1).setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(60)).build();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        cluster.infra().kafkaBootstrap()), new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(cluster.topic(), handle.id(), again.toByteArray())).get();
      producer.send(new ProducerRecord<>(cluster.topic(), handle.id(), again.toByteArray())).get();
    }
    // the worker has consumed and settled both copies once its group committed past them
    await().atMost(Duration.ofSeconds(60)).until(() ->
        Inspect.committedBy(cluster.infra().kafkaBootstrap(), cluster.group(), cluster.topic()) == 3);
    assertThat(runs.get(handle.id()).get()).isEqualTo(1);
    assertThat(client.get(handle.id()).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void aHandlerIgnoringItsDeadlineIsInterruptedAndEndsTimeoutWithinTimeoutPlusOneSecond() throws Exception {
    worker();
    TaskHandle handle = client.submit(TaskRequest.builder("stubborn").timeout(Duration.ofSeconds(1)).build());
    ExecutionInfo info = handle.result().get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(info.status()).isEqualTo(ExecutionStatus.TIMEOUT);
    assertThat(info.error().type()).isEqualTo("taskgrid.Timeout");
    assertThat(info.error().message()).contains("1s");
    assertThat(Duration.between(info.startedAt(), info.finishedAt())).isLessThan(Duration.ofSeconds(2));
    await().atMost(Duration.ofSeconds(10)).untilTrue(interrupted);
  }

  @Test
  void anUnknownHandlerFailsNamingTheHandlerAndTheWorker() throws Exception {
    Worker w = worker();
    ExecutionInfo info = client.submit(TaskRequest.builder("no.such.handler").build()).result().get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(info.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(info.error().type()).isEqualTo("taskgrid.UnknownHandler");
    assertThat(info.error().message()).contains("\"no.such.handler\"").contains(w.id());
  }

  @Test
  void aThrowingHandlerFailsWithTheExceptionTypeAndMessage() throws Exception {
    worker();
    ExecutionInfo info = client.submit(TaskRequest.builder("explode").payloadText("42").build()).result().get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(info.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(info.error().type()).isEqualTo(IllegalArgumentException.class.getName());
    assertThat(info.error().message()).isEqualTo("bad things: 42");
  }

  @Test
  void aTypedHandlerRunsWithItsDecodedPayloadAndRejectsAnInvalidOneWithoutRunning() throws Exception {
    worker();
    ExecutionInfo ok = client.submit(TaskRequest.builder("email.send").payloadJson(new Email("a@b.c", "hi")).build())
        .result().get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(ok.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(ok.result().asText()).isEqualTo("{\"sentTo\":\"a@b.c\"}");

    TaskHandle bad = client.submit(TaskRequest.builder("email.send").payloadJson(new Email("nobody", "hi")).build());
    ExecutionInfo rejected = bad.result().get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(rejected.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(rejected.error().type()).isEqualTo("taskgrid.InvalidPayload");
    assertThat(rejected.error().message()).contains("not an address: nobody");
    assertThat(runs).doesNotContainKey(bad.id());
  }

  @Test
  void anIdempotencyKeyReturnsTheFirstExecutionAndRunsItOnce() throws Exception {
    worker();
    TaskHandle first = client.submit(TaskRequest.builder("count").payloadText("x").idempotencyKey("order-42").build());
    TaskHandle second = client.submit(TaskRequest.builder("count").payloadText("x").idempotencyKey("order-42").build());
    assertThat(second.id()).isEqualTo(first.id());
    assertThat(first.duplicate()).isFalse();
    assertThat(second.duplicate()).isTrue();
    assertThat(second.result().get(60, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(Inspect.messagesIn(cluster.infra().kafkaBootstrap(), cluster.topic(), TestCluster.PARTITIONS)).isEqualTo(1);
    assertThat(runs.get(first.id()).get()).isEqualTo(1);
  }

  @Test
  void watchingAnExecutionSeesEveryStatusUntilTheTerminalOne() throws Exception {
    TaskHandle handle = client.submit(TaskRequest.builder("count").payloadText("w").build());
    List<ExecutionStatus> seen = new CopyOnWriteArrayList<>();
    client.watch(handle.id(), info -> seen.add(info.status()));
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(ExecutionStatus.PENDING));
    worker();
    await().atMost(Duration.ofSeconds(60)).until(() -> seen.contains(ExecutionStatus.SUCCEEDED));
    assertThat(seen).containsSubsequence(ExecutionStatus.PENDING, ExecutionStatus.SUCCEEDED);
    assertThat(seen).doesNotHaveDuplicates();
  }

  @Test
  void resultsAboveTheChangeFeedsInlineLimitAndUnicodeFieldsReachTheCallerIntact() throws Exception {
    worker();
    // 200 KiB is carried by reference on the change feed (the watcher re-reads it); 10 bytes inline
    TaskHandle large = client.submit(TaskRequest.builder("big").payloadText(Integer.toString(200 * 1024)).build());
    TaskHandle small = client.submit(TaskRequest.builder("big").payloadText("10")
        .label("region", "Zürich ✓ 😀").label("k/2", "3:a:b|c").idempotencyKey("key:with:colons-" + System.nanoTime()).build());
    assertThat(large.await(Duration.ofSeconds(60)).result().asText()).hasSize(200 * 1024);
    ExecutionInfo done = small.await(Duration.ofSeconds(60));
    assertThat(done.result().asText()).isEqualTo("x".repeat(10));
    assertThat(done.labels()).containsEntry("region", "Zürich ✓ 😀").containsEntry("k/2", "3:a:b|c");
    assertThat(client.get(small.id()).idempotencyKey()).startsWith("key:with:colons-");
  }

  @Test
  void aResultOverTheWorkersLimitFailsTheExecutionNamingTheLimit() throws Exception {
    cluster.worker(cluster.workerConfig(List.of(TestCluster.address(coordinator))).withMaxResultBytes(1000), this::handlers);
    ExecutionInfo tooBig = client.submit(TaskRequest.builder("big").payloadText("1001").build()).await(Duration.ofSeconds(60));
    assertThat(tooBig.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(tooBig.error().type()).isEqualTo("taskgrid.ResultTooLarge");
    assertThat(tooBig.error().message()).contains("1001 bytes", "limit of 1000 bytes");
    ExecutionInfo fits = client.submit(TaskRequest.builder("big").payloadText("1000").build()).await(Duration.ofSeconds(60));
    assertThat(fits.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void tasksSharingAnIdempotencyKeyInOneBatchRunOnce() throws Exception {
    worker();
    String key = "batch-" + System.nanoTime();
    List<TaskHandle> handles = client.submitAll(List.of(
        TaskRequest.builder("count").payloadText("a").idempotencyKey(key).build(),
        TaskRequest.builder("count").payloadText("b").build(),
        TaskRequest.builder("count").payloadText("c").idempotencyKey(key).build()));
    assertThat(handles.get(2).id()).isEqualTo(handles.get(0).id());
    assertThat(handles.get(2).duplicate()).isTrue();
    assertThat(handles.get(1).duplicate()).isFalse();
    assertThat(handles.get(0).await(Duration.ofSeconds(60)).result().asText()).isEqualTo("ran a");
    assertThat(handles.get(1).await(Duration.ofSeconds(60)).result().asText()).isEqualTo("ran b");
    assertThat(runs.get(handles.get(0).id()).get()).isEqualTo(1);
  }

  @Test
  void aRecordLostFromRedisIsRebuiltFromTheTaskMessageWhenClaimed() throws Exception {
    TaskHandle handle = client.submit(TaskRequest.builder("count").payloadText("lost").timeout(Duration.ofSeconds(42))
        .priority(io.taskgrid.client.Priority.HIGH).label("team", "ops").idempotencyKey("rebuild-" + System.nanoTime()).build());
    // watch first: a wait that starts after the record is gone cannot tell it from an unknown id
    List<ExecutionStatus> seen = new CopyOnWriteArrayList<>();
    client.watch(handle.id(), info -> seen.add(info.status()));
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(ExecutionStatus.PENDING));
    RedissonClient redis = Inspect.redis(cluster.infra().redisUrl());
    try {
      assertThat(redis.getKeys().delete(new Keyspace(cluster.namespace()).execution(handle.id()))).isEqualTo(1);
    } finally {
      redis.shutdown();
    }
    worker();
    await().atMost(Duration.ofSeconds(60)).until(() -> seen.contains(ExecutionStatus.SUCCEEDED));
    ExecutionInfo done = client.get(handle.id());
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.result().asText()).isEqualTo("ran lost");
    assertThat(done.handler()).isEqualTo("count");
    assertThat(done.timeout()).isEqualTo(Duration.ofSeconds(42));
    assertThat(done.priority()).isEqualTo(io.taskgrid.client.Priority.HIGH);
    assertThat(done.labels()).containsEntry("team", "ops");
    assertThat(done.idempotencyKey()).startsWith("rebuild-");
    assertThat(done.attempt()).isEqualTo(1);
  }

  @Test
  void gettingAnUnknownExecutionIsNotFound() {
    assertThatThrownBy(() -> client.get("0190c5d4-7a3e-7000-8000-000000000000")).isInstanceOf(TaskgridNotFoundException.class);
  }
}
