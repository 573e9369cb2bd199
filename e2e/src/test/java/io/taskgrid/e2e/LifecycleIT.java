package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.taskgrid.client.ConcurrencyPolicy;
import io.taskgrid.client.RetryPolicy;
import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.LifecycleEventKind;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WatchLifecycleRequest;
import io.taskgrid.wire.lifecycle.LifecycleJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The lifecycle stream as other systems see it: a plain Kafka consumer of the topic, and
 * WatchLifecycle streams of the coordinators. One cluster for the class; each test uses executions
 * and tasks of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LifecycleIT {
  private final TestCluster cluster = new TestCluster();
  private Coordinator coordinator;
  private TaskgridClient client;
  private TopicTail tail;

  @BeforeAll
  void start() {
    coordinator = cluster.coordinator();
    cluster.worker(List.of(TestCluster.address(coordinator)), w -> w
        .handler("echo", ctx -> ctx.payloadText())
        .handler("watched", ctx -> ctx.payloadText())
        .handler("fails", ctx -> {
          throw new IllegalStateException("always");
        })
        .handler("block", ctx -> {
          Thread.sleep(600_000);
          return "woke";
        }));
    client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());
    tail = cluster.own(new TopicTail(cluster.infra().kafkaBootstrap(), cluster.lifecycleTopic()));
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  void aSucceededExecutionIsQueuedThenStartedThenSucceededUnderItsId() {
    TaskHandle h = client.submit(TaskRequest.builder("echo").payloadText("hi").label("team", "ops").build());

    List<ConsumerRecord<String, String>> records = tail.awaitRecords(h.id(), LifecycleEventKind.EXECUTION_QUEUED,
        LifecycleEventKind.EXECUTION_STARTED, LifecycleEventKind.EXECUTION_SUCCEEDED);

    assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo(h.id()));
    // emitted by a coordinator, the worker and a coordinator again, they may reach the topic out of
    // order; their times (then kinds) order them
    List<LifecycleEvent> events = records.stream().map(TopicTail::event)
        .sorted(java.util.Comparator.comparing((LifecycleEvent e) -> com.google.protobuf.util.Timestamps.toNanos(e.getTime()))
            .thenComparing(e -> e.getKind().getNumber()))
        .toList();
    assertThat(events).extracting(LifecycleEvent::getKind).containsExactly(LifecycleEventKind.EXECUTION_QUEUED,
        LifecycleEventKind.EXECUTION_STARTED, LifecycleEventKind.EXECUTION_SUCCEEDED);
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getHandler()).isEqualTo("echo");
      assertThat(e.getAttempt()).isEqualTo(1);
      assertThat(e.getEventId()).isNotEmpty();
    });
    assertThat(events.get(0).getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_PENDING);
    assertThat(events.get(0).getLabelsMap()).containsEntry("team", "ops");
    assertThat(events.get(0).getSource()).isEqualTo(coordinator.id());
    assertThat(events.get(1).getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_RUNNING);
    assertThat(events.get(1).getWorkerId()).isNotEmpty().isEqualTo(events.get(1).getSource());
    assertThat(events.get(2).getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    // plain JSON, readable without generated code
    assertThat(records).filteredOn(r -> r.value().contains("EXECUTION_SUCCEEDED")).singleElement()
        .satisfies(r -> assertThat(r.value()).contains("\"kind\":\"EXECUTION_SUCCEEDED\"", "\"executionId\":\"" + h.id() + "\""));
  }

  @Test
  void aFailingExecutionWithARetryIsRetriedThenFailed() {
    TaskHandle h = client.submit(TaskRequest.builder("fails").payloadText("x")
        .retry(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(100)).fixed().build()).build());

    List<LifecycleEvent> events = tail.awaitEvents(h.id(), LifecycleEventKind.EXECUTION_STARTED,
        LifecycleEventKind.EXECUTION_STARTED, LifecycleEventKind.EXECUTION_FAILED).stream()
        .sorted(java.util.Comparator.comparing((LifecycleEvent e) -> com.google.protobuf.util.Timestamps.toNanos(e.getTime()))
            .thenComparing(e -> e.getKind().getNumber()))
        .toList();

    assertThat(events).extracting(LifecycleEvent::getKind).containsSubsequence(LifecycleEventKind.EXECUTION_STARTED,
        LifecycleEventKind.EXECUTION_RETRIED, LifecycleEventKind.EXECUTION_QUEUED, LifecycleEventKind.EXECUTION_STARTED,
        LifecycleEventKind.EXECUTION_FAILED);
    LifecycleEvent retried = only(events, LifecycleEventKind.EXECUTION_RETRIED);
    assertThat(retried.getAttempt()).isEqualTo(1);
    assertThat(retried.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_RETRY_SCHEDULED);
    assertThat(retried.getReason()).isEqualTo(IllegalStateException.class.getName());
    LifecycleEvent failed = only(events, LifecycleEventKind.EXECUTION_FAILED);
    assertThat(failed.getAttempt()).isEqualTo(2);
    assertThat(failed.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_FAILED);
  }

  @Test
  void aCancelledExecutionEndsCancelled() {
    TaskHandle h = client.submit(TaskRequest.builder("block").timeout(Duration.ofMinutes(5)).build());
    tail.awaitEvents(h.id(), LifecycleEventKind.EXECUTION_STARTED);

    client.cancel(h.id());

    LifecycleEvent cancelled = only(tail.awaitEvents(h.id(), LifecycleEventKind.EXECUTION_CANCELLED), LifecycleEventKind.EXECUTION_CANCELLED);
    assertThat(cancelled.getReason()).isEqualTo("cancelled");
    assertThat(cancelled.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_CANCELLED);
  }

  @Test
  void anOverlappingExecutionIsSkippedWithItsReason() {
    ConcurrencyPolicy skip = ConcurrencyPolicy.key("skip-" + cluster.namespace()).limit(1).overlap(ConcurrencyPolicy.Overlap.SKIP).build();
    TaskHandle first = client.submit(TaskRequest.builder("block").concurrency(skip).timeout(Duration.ofMinutes(5)).build());
    tail.awaitEvents(first.id(), LifecycleEventKind.EXECUTION_STARTED);

    TaskHandle second = client.submit(TaskRequest.builder("block").concurrency(skip).build());

    LifecycleEvent skipped = only(tail.awaitEvents(second.id(), LifecycleEventKind.EXECUTION_SKIPPED), LifecycleEventKind.EXECUTION_SKIPPED);
    assertThat(skipped.getReason()).isEqualTo("previous_instance_running");
    assertThat(skipped.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SKIPPED);
    client.cancel(first.id());
  }

  @Test
  void registeringPausingResumingAndDeletingATaskAreTaskEventsUnderItsId() {
    String id = "life-" + cluster.namespace();
    TaskDefinition definition = TaskDefinition.builder(id, "echo").payloadText("one").build();
    client.tasks().create(definition);
    client.tasks().update(definition.toBuilder().payloadText("two").build());
    client.tasks().pause(id);
    client.tasks().resume(id);
    client.tasks().delete(id);

    List<ConsumerRecord<String, String>> records = tail.awaitRecords(id, LifecycleEventKind.TASK_DELETED);

    assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo(id));
    assertThat(records.stream().map(TopicTail::event)).allSatisfy(e -> {
      assertThat(e.getTaskId()).isEqualTo(id);
      assertThat(e.getExecutionId()).isEmpty();
    }).extracting(LifecycleEvent::getKind).containsExactly(LifecycleEventKind.TASK_REGISTERED, LifecycleEventKind.TASK_UPDATED,
        LifecycleEventKind.TASK_PAUSED, LifecycleEventKind.TASK_RESUMED, LifecycleEventKind.TASK_DELETED);
  }

  @Test
  void aWatchWithFiltersGetsOnlyMatchingEventsAndEndsWhenTheClientCancels() {
    Watch watch = cluster.own(new Watch(coordinator, WatchLifecycleRequest.newBuilder().setHandler("watched")
        .addKinds(LifecycleEventKind.EXECUTION_SUCCEEDED).build()));
    watch.awaitLive(client, "watched");

    TaskHandle other = client.submit(TaskRequest.builder("echo").payloadText("not watched").build());
    TaskHandle wanted = client.submit(TaskRequest.builder("watched").payloadText("watched").build());
    await().atMost(Duration.ofSeconds(60)).until(() -> watch.events.stream().anyMatch(e -> e.getExecutionId().equals(wanted.id())));
    tail.awaitEvents(other.id(), LifecycleEventKind.EXECUTION_SUCCEEDED);

    assertThat(watch.events).allSatisfy(e -> {
      assertThat(e.getHandler()).isEqualTo("watched");
      assertThat(e.getKind()).isEqualTo(LifecycleEventKind.EXECUTION_SUCCEEDED);
    });
    assertThat(watch.events).noneMatch(e -> e.getExecutionId().equals(other.id()));

    watch.cancel();
    assertThat(watch.error.get()).isNotNull();
    assertThat(Status.fromThrowable(watch.error.get()).getCode()).isEqualTo(Status.Code.CANCELLED);
    // with its last stream gone the coordinator stops reading the topic
    await().atMost(Duration.ofSeconds(30)).until(() -> feedThreads(coordinator) == 0);
  }

  @Test
  void aWatchOnOneCoordinatorSeesAnExecutionSubmittedThroughAnotherAndEndsWhenItsCoordinatorCloses() {
    Coordinator b = cluster.coordinator();
    Watch watch = cluster.own(new Watch(b, WatchLifecycleRequest.getDefaultInstance()));
    watch.awaitLive(client, "echo");

    TaskHandle h = client.submit(TaskRequest.builder("echo").payloadText("via a").build());

    // the worker's STARTED and the coordinator's SUCCEEDED come from two processes: either may arrive first
    await().atMost(Duration.ofSeconds(60)).until(() -> watch.kindsOf(h.id())
        .containsAll(List.of(LifecycleEventKind.EXECUTION_QUEUED, LifecycleEventKind.EXECUTION_STARTED, LifecycleEventKind.EXECUTION_SUCCEEDED)));
    b.close();
    await().atMost(Duration.ofSeconds(10)).untilTrue(watch.completed);
  }

  @Test
  void aWatchWithAnUnknownKindIsRefusedNamingTheField() {
    Watch watch = cluster.own(new Watch(coordinator, WatchLifecycleRequest.newBuilder().addKindsValue(99).build()));
    await().atMost(Duration.ofSeconds(10)).until(() -> watch.error.get() != null);
    Status status = Status.fromThrowable(watch.error.get());
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("kinds[0]", "99");
  }

  private static long feedThreads(Coordinator c) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("tg-lifecycle-feed-taskgrid-" + c.id() + "-")).count();
  }

  private static LifecycleEvent only(List<LifecycleEvent> events, LifecycleEventKind kind) {
    List<LifecycleEvent> of = events.stream().filter(e -> e.getKind() == kind).toList();
    assertThat(of).hasSize(1);
    return of.get(0);
  }

  /** A WatchLifecycle call, collecting what it receives. */
  private static final class Watch implements AutoCloseable {
    final List<LifecycleEvent> events = new CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final java.util.concurrent.atomic.AtomicBoolean completed = new java.util.concurrent.atomic.AtomicBoolean();
    private final ManagedChannel channel;
    private volatile ClientCallStreamObserver<WatchLifecycleRequest> call;

    Watch(Coordinator c, WatchLifecycleRequest request) {
      channel = Grpc.newChannelBuilder(TestCluster.address(c), InsecureChannelCredentials.create()).build();
      TaskServiceGrpc.newStub(channel).watchLifecycle(request, new ClientResponseObserver<WatchLifecycleRequest, LifecycleEvent>() {
        @Override
        public void beforeStart(ClientCallStreamObserver<WatchLifecycleRequest> requestStream) {
          call = requestStream;
        }

        @Override
        public void onNext(LifecycleEvent value) {
          events.add(value);
        }

        @Override
        public void onError(Throwable t) {
          error.set(t);
        }

        @Override
        public void onCompleted() {
          completed.set(true);
        }
      });
    }

    /**
     * A stream sees what happens after the coordinator joined the topic, shortly after the call:
     * submits probes of {@code handler} until one shows.
     */
    void awaitLive(TaskgridClient client, String handler) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
        if (!events.isEmpty()) return true;
        client.submit(TaskRequest.builder(handler).payloadText("probe").build());
        return false;
      });
    }

    List<LifecycleEventKind> kindsOf(String executionId) {
      return events.stream().filter(e -> e.getExecutionId().equals(executionId)).map(LifecycleEvent::getKind).toList();
    }

    void cancel() {
      call.cancel("done watching", null);
      await().atMost(Duration.ofSeconds(10)).until(() -> error.get() != null);
    }

    @Override
    public void close() {
      channel.shutdownNow();
    }
  }

  /** Reads the whole lifecycle topic from its start, as a system consuming it would. */
  private static final class TopicTail implements AutoCloseable {
    private final List<ConsumerRecord<String, String>> records = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean closed;

    TopicTail(String bootstrap, String topic) {
      consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(),
          new StringDeserializer());
      List<TopicPartition> partitions = IntStream.range(0, TestCluster.PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      thread = Thread.ofPlatform().name("test-lifecycle-tail").daemon().start(() -> {
        try {
          while (!closed) consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        } catch (WakeupException e) {
          // closing
        } finally {
          consumer.close();
        }
      });
    }

    static LifecycleEvent event(ConsumerRecord<String, String> r) {
      try {
        return LifecycleJson.read(r.value().getBytes(StandardCharsets.UTF_8));
      } catch (Exception e) {
        throw new AssertionError("unreadable lifecycle record " + r.value(), e);
      }
    }

    /**
     * The records under {@code key}, in topic order, once each of {@code kinds} is among them (a kind
     * listed twice must be there twice): events come from coordinators and workers, so one that
     * happened earlier can reach the topic later.
     */
    List<ConsumerRecord<String, String>> awaitRecords(String key, LifecycleEventKind... kinds) {
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        List<LifecycleEventKind> seen = new java.util.ArrayList<>(records.stream().filter(r -> key.equals(r.key())).map(r -> event(r).getKind()).toList());
        for (LifecycleEventKind kind : kinds) {
          if (!seen.remove(kind)) return false;
        }
        return true;
      });
      return records.stream().filter(r -> key.equals(r.key())).sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset)).toList();
    }

    List<LifecycleEvent> awaitEvents(String key, LifecycleEventKind... kinds) {
      return awaitRecords(key, kinds).stream().map(TopicTail::event).toList();
    }

    @Override
    public void close() throws InterruptedException {
      closed = true;
      consumer.wakeup();
      thread.join(5_000);
    }
  }
}
