package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.coordinator.internal.store.ExecutionStore.Cancel;
import io.taskgrid.coordinator.internal.store.ExecutionStore.NewExecution;
import io.taskgrid.coordinator.internal.store.ExecutionStore.Page;
import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.Payload;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.TaskSpec;
import io.taskgrid.core.config.RedisEndpoint;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.embedded.RedisProcess;
import io.taskgrid.redis.RedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The cancel and history scripts of {@link RedisExecutionStore} against a real Redis. */
class CancelAndHistoryIT {
  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  private static RedisProcess redis;
  private static RedissonClient client;
  private final Keyspace keys = new Keyspace("hist-" + System.nanoTime());
  private final RedisExecutionStore store = new RedisExecutionStore(client, keys, Duration.ofDays(7), Duration.ofMinutes(5),
      new io.taskgrid.telemetry.CoordinatorMeters(io.taskgrid.telemetry.Metrics.noop().meter()), () -> T0.plusSeconds(3600));

  @BeforeAll
  static void startRedis() {
    redis = RedisProcess.start();
    client = new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", redis.redisUrl()), "hist-it", 1, 4).open();
  }

  @AfterAll
  static void stopRedis() {
    client.shutdown();
    redis.close();
  }

  private static NewExecution execution(String id, String handler, Instant at, Map<String, String> labels) {
    TaskSpec spec = TaskSpec.validate(handler, Payload.EMPTY, null, null, labels, null, SubmissionLimits.DEFAULTS);
    return new NewExecution(id, spec, at);
  }

  private void insert(NewExecution... e) {
    store.insert(List.of(e)).toCompletableFuture().join();
  }

  private void setStatus(String id, String status) {
    client.getMap(keys.execution(id), StringCodec.INSTANCE).fastPut(Keyspace.Fields.STATUS, status);
  }

  private Cancel cancel(String id) {
    return store.cancel(id, Outcome.Cancelled.CANCELLED).toCompletableFuture().join();
  }

  @Test
  void aPendingExecutionEndsCancelledAtOnceAndItsChangeIsPublished() {
    List<ExecutionStore.Snapshot> changes = new CopyOnWriteArrayList<>();
    store.onChange(new ExecutionStore.ChangeListener() {
      @Override
      public void changed(List<ExecutionStore.Snapshot> c) {
        changes.addAll(c);
      }

      @Override
      public void resubscribed() {}
    });
    await().until(() -> client.getTopic(keys.changes()).countSubscribers() > 0);
    insert(execution("p-1", "echo", T0, Map.of()));

    Cancel c = cancel("p-1");

    assertThat(c).isInstanceOf(Cancel.Cancelled.class);
    ExecutionRecord r = ((Cancel.Cancelled) c).record();
    assertThat(r.status()).isEqualTo(ExecutionStatus.CANCELLED);
    assertThat(r.reason()).isEqualTo("cancelled");
    assertThat(r.errorType()).contains(Outcome.Cancelled.ERROR_TYPE);
    assertThat(r.finishedAt()).contains(T0.plusSeconds(3600));
    await().atMost(Duration.ofSeconds(10)).until(() -> changes.stream()
        .anyMatch(s -> s.executionId().equals("p-1") && s.status() == ExecutionStatus.CANCELLED && s.record().isPresent()));
  }

  @Test
  void queuedAndRetryScheduledExecutionsEndCancelledAtOnce() {
    insert(execution("q-1", "echo", T0, Map.of()), execution("r-1", "echo", T0, Map.of()));
    setStatus("q-1", "QUEUED");
    setStatus("r-1", "RETRY_SCHEDULED");

    assertThat(cancel("q-1")).isInstanceOfSatisfying(Cancel.Cancelled.class,
        c -> assertThat(c.record().status()).isEqualTo(ExecutionStatus.CANCELLED));
    assertThat(cancel("r-1")).isInstanceOfSatisfying(Cancel.Cancelled.class,
        c -> assertThat(c.record().status()).isEqualTo(ExecutionStatus.CANCELLED));
  }

  @Test
  void aRunningExecutionIsMarkedAndItsWorkerAskedOnTheCancelChannel() {
    List<String> requests = new CopyOnWriteArrayList<>();
    var topic = client.getTopic(keys.cancels(), StringCodec.INSTANCE);
    topic.addListener(String.class, (ch, m) -> requests.add(m));
    await().until(() -> topic.countSubscribers() > 0);
    insert(execution("run-1", "echo", T0, Map.of()));
    setStatus("run-1", "RUNNING");

    Cancel c = cancel("run-1");

    assertThat(c).isInstanceOfSatisfying(Cancel.Requested.class, r -> assertThat(r.record().status()).isEqualTo(ExecutionStatus.RUNNING));
    assertThat(client.getMap(keys.execution("run-1"), StringCodec.INSTANCE).get(Keyspace.Fields.CANCEL_REQUESTED)).isEqualTo("cancelled");
    await().atMost(Duration.ofSeconds(10)).until(() -> requests.contains("run-1\ncancelled"));
  }

  @Test
  void aCancelledExecutionAnswersItsStateAndAnotherTerminalOneIsAlreadyEnded() {
    insert(execution("c-1", "echo", T0, Map.of()), execution("s-1", "echo", T0, Map.of()));
    cancel("c-1");
    setStatus("s-1", "SUCCEEDED");

    assertThat(cancel("c-1")).isInstanceOf(Cancel.Cancelled.class);
    assertThat(cancel("s-1")).isInstanceOfSatisfying(Cancel.AlreadyEnded.class,
        e -> assertThat(e.record().status()).isEqualTo(ExecutionStatus.SUCCEEDED));
  }

  @Test
  void anUnknownExecutionIsNotFoundAndLeavesATombstoneThatExpires() {
    assertThat(cancel("u-1")).isInstanceOf(Cancel.NotFound.class);
    var tomb = client.getBucket(keys.cancelTombstone("u-1"), StringCodec.INSTANCE);
    assertThat(tomb.get()).isEqualTo("cancelled");
    assertThat(tomb.remainTimeToLive()).isPositive().isLessThanOrEqualTo(Duration.ofDays(7).toMillis());
    assertThat(store.get("u-1").toCompletableFuture().join()).isEmpty();
  }

  private Page list(ExecutionQuery q) {
    return store.list(q).toCompletableFuture().join();
  }

  private static ExecutionQuery query(int pageSize) {
    return new ExecutionQuery(Optional.empty(), Optional.empty(), Set.of(), Optional.empty(), Optional.empty(), Map.of(), pageSize,
        Optional.empty());
  }

  /** 300 executions, one per second, alternately of handlers a and b, every third of task "nightly", every fifth labelled. */
  private List<String> history() {
    List<NewExecution> all = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Map<String, String> labels = new java.util.HashMap<>();
      if (i % 3 == 0) labels.put(Keyspace.TASK_LABEL, "nightly");
      if (i % 5 == 0) labels.put("team", "blue");
      String id = String.format("h-%03d", i);
      ids.add(id);
      all.add(execution(id, i % 2 == 0 ? "a" : "b", T0.plusSeconds(i), labels));
    }
    store.insert(all).toCompletableFuture().join();
    return ids;
  }

  private List<ExecutionRecord> readAll(ExecutionQuery q) {
    List<ExecutionRecord> out = new ArrayList<>();
    Page page = list(q);
    out.addAll(page.executions());
    int pages = 1;
    while (page.next().isPresent()) {
      ExecutionQuery next = new ExecutionQuery(q.taskId(), q.handler(), q.statuses(), q.submittedAfter(), q.submittedBefore(), q.labels(),
          q.pageSize(), Optional.of(PageToken.decode(page.next().get().encode())));
      page = list(next);
      out.addAll(page.executions());
      assertThat(++pages).isLessThan(1000);
    }
    return out;
  }

  @Test
  void pagesWalkTheWholeHistoryNewestFirstWithoutGapsOrRepeats() {
    List<String> ids = history();
    List<ExecutionRecord> all = readAll(query(7));
    assertThat(all).extracting(ExecutionRecord::executionId).containsExactlyElementsOf(ids.reversed());
  }

  @Test
  void executionsSubmittedInTheSameMillisecondArePagedWithoutLoss() {
    List<NewExecution> same = new ArrayList<>();
    for (int i = 0; i < 25; i++) same.add(execution(String.format("same-%02d", i), "a", T0, Map.of()));
    store.insert(same).toCompletableFuture().join();
    assertThat(readAll(query(4))).extracting(ExecutionRecord::executionId).hasSize(25).doesNotHaveDuplicates();
  }

  @Test
  void filtersByTaskHandlerStatusLabelAndTimeRange() {
    history();
    setStatus("h-000", "FAILED");
    setStatus("h-030", "FAILED");
    setStatus("h-031", "FAILED");

    List<ExecutionRecord> nightly = readAll(new ExecutionQuery(Optional.of("nightly"), Optional.empty(), Set.of(), Optional.empty(),
        Optional.empty(), Map.of(), 20, Optional.empty()));
    assertThat(nightly).hasSize(100).allSatisfy(r -> assertThat(r.taskId()).isEqualTo("nightly"));

    List<ExecutionRecord> nightlyOfA = readAll(new ExecutionQuery(Optional.of("nightly"), Optional.of("a"), Set.of(), Optional.empty(),
        Optional.empty(), Map.of(), 20, Optional.empty()));
    assertThat(nightlyOfA).hasSize(50).allSatisfy(r -> assertThat(r.handler()).isEqualTo("a"));

    List<ExecutionRecord> failed = readAll(new ExecutionQuery(Optional.empty(), Optional.empty(), EnumSet.of(ExecutionStatus.FAILED),
        Optional.empty(), Optional.empty(), Map.of(), 2, Optional.empty()));
    assertThat(failed).extracting(ExecutionRecord::executionId).containsExactly("h-031", "h-030", "h-000");

    List<ExecutionRecord> blueOfB = readAll(new ExecutionQuery(Optional.empty(), Optional.of("b"), Set.of(), Optional.empty(),
        Optional.empty(), Map.of("team", "blue"), 10, Optional.empty()));
    assertThat(blueOfB).hasSize(30).allSatisfy(r -> assertThat(r.labels()).containsEntry("team", "blue"));

    List<ExecutionRecord> window = readAll(new ExecutionQuery(Optional.empty(), Optional.empty(), Set.of(),
        Optional.of(T0.plusSeconds(100)), Optional.of(T0.plusSeconds(110)), Map.of(), 3, Optional.empty()));
    assertThat(window).extracting(ExecutionRecord::executionId).containsExactly("h-109", "h-108", "h-107", "h-106", "h-105", "h-104",
        "h-103", "h-102", "h-101", "h-100");
  }

  @Test
  void aSelectiveFilterReturnsShortPagesWithATokenWithinTheScanBudget() {
    history();
    setStatus("h-000", "FAILED");
    Page first = list(new ExecutionQuery(Optional.empty(), Optional.empty(), EnumSet.of(ExecutionStatus.FAILED), Optional.empty(),
        Optional.empty(), Map.of(), 5, Optional.empty()));
    assertThat(first.executions()).isEmpty(); // 50 newest examined, none failed
    assertThat(first.next()).isPresent();
  }

  @Test
  void entriesOfExpiredRecordsAreDroppedFromTheIndex() {
    insert(execution("gone-1", "a", T0, Map.of()), execution("kept-1", "a", T0.plusSeconds(1), Map.of()));
    client.getKeys().delete(keys.execution("gone-1"));
    assertThat(list(query(10)).executions()).extracting(ExecutionRecord::executionId).containsExactly("kept-1");
    assertThat(client.getScoredSortedSet(keys.historyAll(), StringCodec.INSTANCE).contains("gone-1")).isFalse();
  }

  @Test
  void theIndexesKeepOnlyTheRetention() {
    RedisExecutionStore shortLived = new RedisExecutionStore(client, keys, Duration.ofSeconds(60), Duration.ofMinutes(5),
        new io.taskgrid.telemetry.CoordinatorMeters(io.taskgrid.telemetry.Metrics.noop().meter()));
    shortLived.insert(List.of(execution("old-1", "a", T0, Map.of(Keyspace.TASK_LABEL, "t")))).toCompletableFuture().join();
    shortLived.insert(List.of(execution("new-1", "a", T0.plusSeconds(61), Map.of(Keyspace.TASK_LABEL, "t")))).toCompletableFuture().join();
    for (String key : List.of(keys.historyAll(), keys.historyOfHandler("a"), keys.historyOfTask("t"))) {
      var index = client.getScoredSortedSet(key, StringCodec.INSTANCE);
      assertThat(index.readAll()).as(key).containsExactly("new-1");
      assertThat(index.remainTimeToLive()).as(key).isPositive().isLessThanOrEqualTo(60_000);
    }
  }

  /** Prints the Redis memory of one execution and its index entries; the README quotes it. */
  @Test
  void measuresTheMemoryOfOneExecution() {
    List<NewExecution> many = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String id = io.taskgrid.core.ExecutionId.generate(java.time.Clock.systemUTC()).value();
      many.add(execution(id, "send-email", T0.plusMillis(i), Map.of(Keyspace.TASK_LABEL, "nightly-report", "team", "billing")));
    }
    store.insert(many).toCompletableFuture().join();
    String id = many.get(500).executionId();
    long pending = memory(keys.execution(id));
    Outcome done = new Outcome.Succeeded(T0, T0.plusMillis(40), new Payload("{\"sent\":true}".getBytes(), Payload.JSON));
    store.recordOutcomes(List.of(new ExecutionStore.ReportedOutcome(id, 1, "send-email", "worker-7f3a2c", done)))
        .toCompletableFuture().join();
    long succeeded = memory(keys.execution(id));
    long indexes = memory(keys.historyAll()) + memory(keys.historyOfHandler("send-email")) + memory(keys.historyOfTask("nightly-report"));
    System.out.printf("MEMORY per execution: hash %d bytes PENDING, %d bytes SUCCEEDED with a 13-byte result (2 labels); "
        + "index entries %d bytes (3 indexes of %d entries)%n", pending, succeeded, indexes / 1000, 1000);
    assertThat(succeeded).isGreaterThan(pending);
  }

  private long memory(String key) {
    Object r = client.getScript(StringCodec.INSTANCE).eval(org.redisson.api.RScript.Mode.READ_ONLY,
        "return redis.call('MEMORY', 'USAGE', KEYS[1], 'SAMPLES', 0)", org.redisson.api.RScript.ReturnType.LONG, List.of(key));
    return ((Number) r).longValue();
  }
}
