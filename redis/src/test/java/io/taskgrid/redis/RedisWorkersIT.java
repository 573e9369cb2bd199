package io.taskgrid.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.config.RedisEndpoint;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.worker.WorkerDirectory;
import io.taskgrid.core.worker.WorkerPresence;
import io.taskgrid.embedded.RedisProcess;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

class RedisWorkersIT {
  private static RedisProcess redis;
  private static RedissonClient redisson;

  @BeforeAll
  static void start() {
    redis = RedisProcess.start();
    redisson = new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", redis.redisUrl()), "taskgrid-it", 1, 4).open();
  }

  @AfterAll
  static void stop() {
    redisson.shutdown();
    redis.close();
  }

  private static WorkerPresence worker(String id, String... handlers) {
    Instant t = Instant.ofEpochMilli(1_700_000_000_000L);
    return new WorkerPresence(id, "host-ü", 4242, List.of(handlers), 8, 3, t, t.plusSeconds(5), WorkerPresence.State.RUNNING, "1.2.3");
  }

  @Test
  void listsReportedWorkersByIdWithEveryField() {
    Keyspace keys = new Keyspace("w-" + UUID.randomUUID());
    RedisWorkers workers = new RedisWorkers(redisson, keys);
    workers.report(worker("b", "z.h", "a.h"));
    workers.report(worker("a"));

    assertThat(workers.list()).containsExactly(worker("a"), worker("b", "a.h", "z.h"));
    assertThat(redisson.getBucket(keys.worker("b"), StringCodec.INSTANCE).remainTimeToLive())
        .isPositive().isLessThanOrEqualTo(WorkerDirectory.TTL.toMillis());
  }

  @Test
  void aRefreshedReportReplacesTheOldOne() {
    RedisWorkers workers = new RedisWorkers(redisson, new Keyspace("w-" + UUID.randomUUID()));
    WorkerPresence first = worker("a", "h");
    workers.report(first);
    WorkerPresence draining = first.at(first.lastSeen().plusSeconds(5), 1, WorkerPresence.State.DRAINING);
    workers.report(draining);

    assertThat(workers.list()).containsExactly(draining);
  }

  @Test
  void aRemovedWorkerIsGoneAtOnce() {
    RedisWorkers workers = new RedisWorkers(redisson, new Keyspace("w-" + UUID.randomUUID()));
    workers.report(worker("a"));
    workers.report(worker("b"));
    workers.remove("a");

    assertThat(workers.list()).extracting(WorkerPresence::workerId).containsExactly("b");
  }

  @Test
  void aWorkerWhoseReportExpiredIsLeftOutAndForgotten() {
    Keyspace keys = new Keyspace("w-" + UUID.randomUUID());
    RedisWorkers workers = new RedisWorkers(redisson, keys);
    workers.report(worker("a"));
    workers.report(worker("b"));
    redisson.getBucket(keys.worker("a"), StringCodec.INSTANCE).delete(); // as when its expiry passes

    assertThat(workers.list()).extracting(WorkerPresence::workerId).containsExactly("b");
    assertThat(redisson.getSet(keys.workers(), StringCodec.INSTANCE).readAll()).containsExactly("b");
  }

  @Test
  void listsNothingWhenNoWorkerReported() {
    assertThat(new RedisWorkers(redisson, new Keyspace("w-" + UUID.randomUUID())).list()).isEmpty();
  }
}
