package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.store.ExecutionStore.Insert;
import io.taskgrid.coordinator.internal.store.ExecutionStore.NewExecution;
import io.taskgrid.core.Payload;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.TaskSpec;
import io.taskgrid.core.config.RedisEndpoint;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.embedded.RedisProcess;
import io.taskgrid.redis.RedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

class RedisExecutionStoreIT {
  private static RedisProcess redis;
  private static RedissonClient client;
  private final RedisExecutionStore store =
      new RedisExecutionStore(client, new Keyspace("store-" + System.nanoTime()), Duration.ofMinutes(5), Duration.ofMinutes(5),
          new io.taskgrid.telemetry.CoordinatorMeters(io.taskgrid.telemetry.Metrics.noop().meter()));

  @BeforeAll
  static void startRedis() {
    redis = RedisProcess.start();
    client = new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", redis.redisUrl()), "store-it", 1, 4).open();
  }

  @AfterAll
  static void stopRedis() {
    client.shutdown();
    redis.close();
  }

  private static NewExecution execution(String id, String idempotencyKey) {
    TaskSpec spec = TaskSpec.validate("echo", Payload.EMPTY, null, null, Map.of(), idempotencyKey, SubmissionLimits.DEFAULTS);
    return new NewExecution(id, spec, Instant.parse("2026-12-01T08:00:00Z"));
  }

  private List<Insert> insert(NewExecution e) throws Exception {
    return store.insert(List.of(e)).toCompletableFuture().get();
  }

  @Test
  void anInsertRepeatedAfterItsReplyWasLostIsStillCreatedSoItsMessageIsQueued() throws Exception {
    NewExecution e = execution("01-retried", null);
    assertThat(insert(e)).containsExactly(new Insert.Created("01-retried"));
    assertThat(insert(e)).containsExactly(new Insert.Created("01-retried"));
  }

  @Test
  void aRepeatedInsertWithAnIdempotencyKeyIsStillCreatedButAnotherExecutionWithTheKeyIsADuplicate() throws Exception {
    NewExecution first = execution("01-first", "order-7");
    assertThat(insert(first)).containsExactly(new Insert.Created("01-first"));
    assertThat(insert(first)).containsExactly(new Insert.Created("01-first"));
    assertThat(insert(execution("01-second", "order-7"))).containsExactly(new Insert.Duplicate("01-first"));
  }

  private static final Instant T = Instant.parse("2026-12-01T09:00:00Z");

  private static ExecutionStore.ReportedOutcome failedWithRetry(String id, int attempt, String worker) {
    Instant started = T.plusSeconds(10L * attempt);
    return new ExecutionStore.ReportedOutcome(id, attempt, "echo", worker,
        new io.taskgrid.core.Outcome.Failed(started, started.plusMillis(5), "java.io.IOException", "attempt " + attempt + " down"),
        attempt + 1, java.util.Optional.of(started.plusSeconds(5)));
  }

  private int record(ExecutionStore.ReportedOutcome... outcomes) throws Exception {
    return store.recordOutcomes(List.of(outcomes)).toCompletableFuture().get();
  }

  private ExecutionRecord read(String id) throws Exception {
    return store.get(id).toCompletableFuture().get().orElseThrow();
  }

  @Test
  void aRetriedAttemptIsRecordedOnceAsRetryScheduledWithItsHistoryEvenWhenItsBatchIsResent() throws Exception {
    insert(execution("02-retry", null));

    assertThat(record(failedWithRetry("02-retry", 1, "w1"))).isEqualTo(1);
    assertThat(record(failedWithRetry("02-retry", 1, "w1"))).isZero();

    ExecutionRecord r = read("02-retry");
    assertThat(r.status()).isEqualTo(io.taskgrid.core.ExecutionStatus.RETRY_SCHEDULED);
    assertThat(r.nextAttemptAt()).contains(T.plusSeconds(15));
    assertThat(r.attempts()).hasSize(1);
    assertThat(r.attempts().getFirst().number()).isEqualTo(1);
    assertThat(r.attempts().getFirst().status()).isEqualTo(io.taskgrid.core.ExecutionStatus.FAILED);
    assertThat(r.attempts().getFirst().workerId()).isEqualTo("w1");
    assertThat(r.attempts().getFirst().errorMessage()).contains("attempt 1 down");
  }

  @Test
  void aResentOutcomeOfAnOlderAttemptNeverMovesALaterAttemptBack() throws Exception {
    insert(execution("02-stale", null));
    record(failedWithRetry("02-stale", 1, "w1"));
    assertThat(record(failedWithRetry("02-stale", 2, "w2"))).isEqualTo(1);

    assertThat(record(failedWithRetry("02-stale", 1, "w1"))).isZero();
    Instant s = T.plusSeconds(10);
    assertThat(record(new ExecutionStore.ReportedOutcome("02-stale", 1, "echo", "w1",
        new io.taskgrid.core.Outcome.Succeeded(s, s, Payload.EMPTY)))).isZero();

    ExecutionRecord r = read("02-stale");
    assertThat(r.status()).isEqualTo(io.taskgrid.core.ExecutionStatus.RETRY_SCHEDULED);
    assertThat(r.attempt()).isEqualTo(2);
    assertThat(r.attempts()).extracting(ExecutionRecord.AttemptRecord::number).containsExactly(1, 2);
  }

  @Test
  void theLastAttemptEndsTheExecutionAndEveryAttemptIsListed() throws Exception {
    insert(execution("02-done", null));
    record(failedWithRetry("02-done", 1, "w1"));
    Instant s = T.plusSeconds(20);

    assertThat(record(new ExecutionStore.ReportedOutcome("02-done", 2, "echo", "w2",
        new io.taskgrid.core.Outcome.Succeeded(s, s.plusMillis(3), Payload.EMPTY)))).isEqualTo(1);

    ExecutionRecord r = read("02-done");
    assertThat(r.status()).isEqualTo(io.taskgrid.core.ExecutionStatus.SUCCEEDED);
    assertThat(r.nextAttemptAt()).isEmpty();
    assertThat(r.attempts()).extracting(ExecutionRecord.AttemptRecord::number).containsExactly(1, 2);
    assertThat(r.attempts()).extracting(ExecutionRecord.AttemptRecord::workerId).containsExactly("w1", "w2");
    assertThat(r.attempts().get(1).status()).isEqualTo(io.taskgrid.core.ExecutionStatus.SUCCEEDED);
  }

  @Test
  void anExecutionThatNeverRetriedListsItsOneAttemptFromItsRecord() throws Exception {
    insert(execution("02-once", null));
    Instant s = T.plusSeconds(1);
    record(new ExecutionStore.ReportedOutcome("02-once", 1, "echo", "w1",
        new io.taskgrid.core.Outcome.Failed(s, s.plusMillis(2), "java.io.IOException", "down")));

    ExecutionRecord r = read("02-once");
    assertThat(r.status()).isEqualTo(io.taskgrid.core.ExecutionStatus.FAILED);
    assertThat(r.attempts()).singleElement().satisfies(a -> {
      assertThat(a.number()).isEqualTo(1);
      assertThat(a.errorType()).contains("java.io.IOException");
    });
  }

  @Test
  void aMisfireDecidedAgainByANewLeaderStaysOneSkippedExecutionWithTheFirstDecision() throws Exception {
    // each leader inserts the skipped fire under the id derived from the fire, then records it SKIPPED
    Instant first = T.plusSeconds(10);
    Instant second = T.plusSeconds(40);
    for (Instant decidedAt : List.of(first, second)) {
      store.insert(List.of(new NewExecution("03-misfire", execution("03-misfire", null).spec(), decidedAt))).toCompletableFuture().get();
      record(new ExecutionStore.ReportedOutcome("03-misfire", 1, "echo", "coordinator",
          new io.taskgrid.core.Outcome.Skipped(decidedAt, decidedAt, io.taskgrid.core.Outcome.Skipped.MISFIRE)));
    }

    ExecutionRecord r = read("03-misfire");
    assertThat(r.status()).isEqualTo(io.taskgrid.core.ExecutionStatus.SKIPPED);
    assertThat(r.reason()).isEqualTo("misfire");
    assertThat(r.submittedAt()).isEqualTo(first);
    assertThat(r.finishedAt()).contains(first);
  }
}
