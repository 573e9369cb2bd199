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
}
