package io.taskgrid.worker.internal.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.policy.RateLimitPolicy;
import io.taskgrid.embedded.RedisProcess;
import io.taskgrid.redis.RedisConnection;
import io.taskgrid.core.config.RedisEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The Redis adapters of admission against a real Redis. */
class RedisAdmissionIT {
  private static RedisProcess redis;
  private static RedissonClient client;

  private final Keyspace keys = new Keyspace("adm" + UUID.randomUUID().toString().substring(0, 8));

  @BeforeAll
  static void startRedis() {
    redis = RedisProcess.start();
    client = new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", redis.redisUrl()), "admission-it", 1, 8).open();
  }

  @AfterAll
  static void stopRedis() {
    client.shutdown();
    redis.close();
  }

  @Test
  void aPermitThatIsNotRenewedExpiresWithItsLease() {
    RedisPermits permits = new RedisPermits(client, keys, Clock.systemUTC());
    Duration lease = Duration.ofMillis(500);
    Optional<Permits.Permit> first = permits.tryAcquire("k", 1, "a", lease);
    assertThat(first).isPresent();
    assertThat(permits.tryAcquire("k", 1, "b", lease)).isEmpty();
    assertThat(permits.holders("k")).containsExactly("a");
    // its worker died: nobody renews it
    await().atMost(Duration.ofSeconds(5)).until(() -> permits.tryAcquire("k", 1, "b", lease).isPresent());
  }

  @Test
  void aRenewedPermitIsKeptAndAReleasedOneFreesAtOnce() {
    RedisPermits permits = new RedisPermits(client, keys, Clock.systemUTC());
    Duration lease = Duration.ofMillis(300);
    Permits.Permit p = permits.tryAcquire("k", 1, "a", lease).orElseThrow();
    long until = System.nanoTime() + Duration.ofMillis(900).toNanos();
    while (System.nanoTime() < until) {
      assertThat(permits.renew(List.of(p), lease)).isEmpty();
      assertThat(permits.tryAcquire("k", 1, "b", lease)).isEmpty();
    }
    permits.release(p);
    assertThat(permits.tryAcquire("k", 1, "b", lease)).isPresent();
    assertThat(permits.holders("k")).containsExactly("b");
  }

  @Test
  void aChangedLimitTakesEffectAtOnce() {
    RedisPermits permits = new RedisPermits(client, keys, Clock.systemUTC());
    Duration lease = Duration.ofSeconds(5);
    assertThat(permits.tryAcquire("k", 1, "a", lease)).isPresent();
    assertThat(permits.tryAcquire("k", 2, "b", lease)).isPresent();
    assertThat(permits.tryAcquire("k", 2, "c", lease)).isPresent();
    assertThat(permits.tryAcquire("k", 2, "d", lease)).isEmpty();
  }

  @Test
  void theNewestCandidateIsTheOneAcceptedLastEvenWithinOneMillisecond() {
    RedisPermits permits = new RedisPermits(client, keys, Clock.systemUTC());
    long micros = 1_764_000_000_123_000L;
    // ids that sort against the order of acceptance: only the microseconds decide
    assertThat(permits.newest("k", "ffff", micros)).isTrue();
    assertThat(permits.newest("k", "0000", micros + 1)).isTrue();
    assertThat(permits.newest("k", "ffff", micros)).isFalse();
    assertThat(permits.newest("k", "aaaa", micros + 1)).isTrue();
    assertThat(permits.newest("k", "0000", micros + 1)).isFalse();
  }

  @Test
  void theQueueIsFirstComeFirstServedBoundedAndSkipsDeadHeads() {
    RedisWaitQueue queue = new RedisWaitQueue(client, keys);
    Duration lease = Duration.ofSeconds(5);
    assertThat(queue.enter("k", "a", 3, Duration.ofMillis(200))).isEqualTo(0);
    assertThat(queue.enter("k", "b", 3, lease)).isEqualTo(1);
    assertThat(queue.enter("k", "c", 3, lease)).isEqualTo(2);
    assertThat(queue.enter("k", "b", 3, lease)).as("a redelivery keeps its place").isEqualTo(1);
    assertThat(queue.enter("k", "d", 3, lease)).isEqualTo(WaitQueue.FULL);
    // a's worker stops asking: once its lease is over, b is the head
    await().atMost(Duration.ofSeconds(5)).until(() -> queue.enter("k", "b", 3, lease) == 0);
    queue.leave("k", "b");
    assertThat(queue.enter("k", "c", 3, lease)).isEqualTo(0);
  }

  @Test
  void aFixedWindowAllowsTheLimitPerWindowAndSaysWhenTheNextBegins() {
    Instant t = Instant.parse("2026-12-01T10:00:00.250Z");
    RedisRateBudget budget = new RedisRateBudget(client, keys, Clock.fixed(t, ZoneOffset.UTC), Duration.ofSeconds(3));
    RateLimitPolicy p = RateLimitPolicy.of("r", 3, Duration.ofSeconds(1), RateLimitPolicy.Window.FIXED, null, "h");
    for (int i = 0; i < 3; i++) assertThat(budget.tryStart(p, "x" + System.nanoTime())).isEqualTo(Duration.ZERO);
    assertThat(budget.tryStart(p, "x" + System.nanoTime())).isEqualTo(Duration.ofMillis(750));
    RedisRateBudget later = new RedisRateBudget(client, keys, Clock.fixed(t.plusSeconds(1), ZoneOffset.UTC), Duration.ofSeconds(3));
    assertThat(later.tryStart(p, "y")).isEqualTo(Duration.ZERO);
  }

  @Test
  void aSlidingBudgetIsSharedAndRefillsAfterThePeriod() {
    RedisRateBudget a = new RedisRateBudget(client, keys, Clock.systemUTC(), Duration.ofSeconds(3));
    RedisRateBudget b = new RedisRateBudget(client, keys, Clock.systemUTC(), Duration.ofSeconds(3));
    RateLimitPolicy p = RateLimitPolicy.of("r", 4, Duration.ofSeconds(2), null, null, "h");
    assertThat(a.tryStart(p, "x" + System.nanoTime())).isZero();
    assertThat(b.tryStart(p, "x" + System.nanoTime())).isZero();
    assertThat(a.tryStart(p, "x" + System.nanoTime())).isZero();
    assertThat(b.tryStart(p, "x" + System.nanoTime())).isZero();
    assertThat(a.tryStart(p, "x" + System.nanoTime())).isPositive();
    await().atMost(Duration.ofSeconds(5)).until(() -> b.tryStart(p, "x" + System.nanoTime()).isZero());
  }

  @Test
  void queuedIsMarkedOnlyOverAWaitingStatus() {
    RedisQueuedStatus mark = new RedisQueuedStatus(client, keys);
    client.getMap(keys.execution("x"), StringCodec.INSTANCE).put("s", "PENDING");
    client.getMap(keys.execution("y"), StringCodec.INSTANCE).put("s", "RUNNING");
    mark.accept("x", false);
    mark.accept("y", false);
    mark.accept("z", false);
    assertThat(client.getMap(keys.execution("x"), StringCodec.INSTANCE).get("s")).isEqualTo("QUEUED");
    assertThat(client.getMap(keys.execution("y"), StringCodec.INSTANCE).get("s")).isEqualTo("RUNNING");
    assertThat(client.getMap(keys.execution("z"), StringCodec.INSTANCE).isExists()).isFalse();
  }

  @Test
  void measuresPermitAndRateCosts() {
    RedisPermits permits = new RedisPermits(client, keys, Clock.systemUTC());
    RedisRateBudget budget = new RedisRateBudget(client, keys, Clock.systemUTC(), Duration.ofSeconds(3));
    RateLimitPolicy sliding = RateLimitPolicy.of("m", 1_000_000, Duration.ofSeconds(1), null, null, "h");
    RateLimitPolicy fixed = RateLimitPolicy.of("m", 1_000_000, Duration.ofSeconds(1), RateLimitPolicy.Window.FIXED, null, "h");
    int n = 2000;
    for (int round = 0; round < 2; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) permits.release(permits.tryAcquire("m", 1, "e" + i, Duration.ofSeconds(5)).orElseThrow());
      long t1 = System.nanoTime();
      for (int i = 0; i < n; i++) budget.tryStart(sliding, "s" + i);
      long t2 = System.nanoTime();
      for (int i = 0; i < n; i++) budget.tryStart(fixed, "f" + i);
      long t3 = System.nanoTime();
      System.out.printf("ADMISSION COST round %d: permit acquire+release %.1f us, sliding rate %.1f us, fixed rate %.1f us%n", round,
          (t1 - t0) / 1000.0 / n, (t2 - t1) / 1000.0 / n, (t3 - t2) / 1000.0 / n);
    }
  }
}
