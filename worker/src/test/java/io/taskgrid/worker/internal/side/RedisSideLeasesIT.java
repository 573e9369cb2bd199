package io.taskgrid.worker.internal.side;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.config.RedisEndpoint;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.keyspace.Keyspace.SideFields;
import io.taskgrid.embedded.RedisProcess;
import io.taskgrid.redis.RedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The side task lease scripts against a real Redis. */
class RedisSideLeasesIT {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static RedisProcess redis;
  private static RedissonClient client;
  private final Keyspace keys = new Keyspace("side-" + System.nanoTime());
  private final RedisSideLeases a = new RedisSideLeases(client, keys, "worker-a");
  private final RedisSideLeases b = new RedisSideLeases(client, keys, "worker-b");

  @BeforeAll
  static void startRedis() {
    redis = RedisProcess.start();
    client = new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", redis.redisUrl()), "side-it", 1, 4).open();
  }

  @AfterAll
  static void stopRedis() {
    client.shutdown();
    redis.close();
  }

  private String holder() {
    return (String) client.getBucket(keys.sideLease("watcher"), StringCodec.INSTANCE).get();
  }

  private Map<String, String> state() {
    return client.<String, String>getMap(keys.sideState("watcher"), StringCodec.INSTANCE).readAllMap();
  }

  @Test
  void onlyOneWorkerTakesAFreeLeaseAndItExpiresUnlessRenewed() {
    assertThat(a.acquire("watcher", LEASE, T0)).isTrue();
    assertThat(b.acquire("watcher", LEASE, T0)).isFalse();
    assertThat(a.acquire("watcher", LEASE, T0)).as("not re-entrant: a second instance on the same worker").isFalse();
    assertThat(holder()).isEqualTo("worker-a");
    assertThat(client.getBucket(keys.sideLease("watcher")).remainTimeToLive()).isBetween(1L, LEASE.toMillis());
    assertThat(state()).containsEntry(SideFields.WORKER, "worker-a").containsEntry(SideFields.SINCE_MS, Long.toString(T0.toEpochMilli()));
  }

  @Test
  void onlyTheHolderRenewsOrReleasesTheLease() {
    a.acquire("watcher", LEASE, T0);
    assertThat(b.renew("watcher", LEASE)).isFalse();
    b.release("watcher", true);
    assertThat(holder()).isEqualTo("worker-a");
    assertThat(state()).isNotEmpty();
    assertThat(a.renew("watcher", LEASE)).isTrue();
    a.release("watcher", false);
    assertThat(holder()).isNull();
    assertThat(state()).containsEntry(SideFields.WORKER, "worker-a");
    assertThat(a.renew("watcher", LEASE)).isFalse();
    assertThat(b.acquire("watcher", LEASE, T0.plusSeconds(5))).isTrue();
    assertThat(state()).containsEntry(SideFields.WORKER, "worker-b").containsEntry(SideFields.SINCE_MS, Long.toString(T0.plusSeconds(5).toEpochMilli()));
  }

  @Test
  void theHolderRecordsErrorsAndRestartsAndADeletedTasksStateGoes() {
    a.acquire("watcher", LEASE, T0);
    a.failed("watcher", "java.io.IOException: gone", T0.plusSeconds(1));
    b.failed("watcher", "not the holder", T0.plusSeconds(1));
    a.restarted("watcher", T0.plusSeconds(2));
    assertThat(state())
        .containsEntry(SideFields.RESTARTS, "1")
        .containsEntry(SideFields.LAST_ERROR, "java.io.IOException: gone")
        .containsEntry(SideFields.LAST_ERROR_MS, Long.toString(T0.plusSeconds(1).toEpochMilli()))
        .containsEntry(SideFields.SINCE_MS, Long.toString(T0.plusSeconds(2).toEpochMilli()));
    a.release("watcher", true);
    assertThat(holder()).isNull();
    assertThat(state()).isEmpty();
  }
}
