package io.taskgrid.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.core.breaker.BreakerId;
import io.taskgrid.core.breaker.BreakerState;
import io.taskgrid.core.breaker.BreakerTransition;
import io.taskgrid.core.breaker.SharedBreaker;
import io.taskgrid.core.breaker.SharedBreakers;
import io.taskgrid.core.config.RedisEndpoint;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.embedded.RedisProcess;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

class RedisBreakersIT {
  private static RedisProcess redis;
  private static RedissonClient one;
  private static RedissonClient two;

  @BeforeAll
  static void start() {
    redis = RedisProcess.start();
    one = open();
    two = open();
  }

  @AfterAll
  static void stop() {
    one.shutdown();
    two.shutdown();
    redis.close();
  }

  private static RedissonClient open() {
    return new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", redis.redisUrl()), "taskgrid-it", 1, 4).open();
  }

  /** Now, as the breakers of a test see it; a test moves it. */
  private final java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(Instant.now());
  private final Clock clock = new Clock() {
    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  };

  private RedisBreakers breakers(RedissonClient client, Keyspace ks) {
    return new RedisBreakers(client, ks, clock, Duration.ofHours(1));
  }

  private static Keyspace unique() {
    return new Keyspace("breakers-" + UUID.randomUUID().toString().substring(0, 8));
  }

  private static BreakerTransition transition(String handler, String key, BreakerState state, String worker) {
    return new BreakerTransition(new BreakerId(handler, key), state, Instant.ofEpochMilli(1_700_000_000_123L), worker, 60.5f, -1f);
  }

  @Test
  void anotherClientReceivesEveryPublishedTransition() {
    Keyspace ks = unique();
    List<BreakerTransition> received = new CopyOnWriteArrayList<>();
    try (SharedBreakers.Subscription s = breakers(two, ks).subscribe(received::add)) {
      BreakerTransition opened = transition("mail/send", "tenant:a b", BreakerState.OPEN, "w1");
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        breakers(one, ks).publish(opened);
        assertThat(received).contains(opened);
      });
    }
  }

  @Test
  void aClientThatResubscribesCatchesUpWithTransitionsItMissed() throws Exception {
    Keyspace ks = unique();
    List<BreakerTransition> received = new CopyOnWriteArrayList<>();
    try (SharedBreakers.Subscription s = breakers(two, ks).subscribe(received::add)) {
      // a transition stored while the subscriber's connection was down: in the hash, never delivered
      BreakerTransition missed = transition("mail.send", "", BreakerState.OPEN, "w1");
      one.<String, String>getMap(ks.prefix() + "breakers", org.redisson.client.codec.StringCodec.INSTANCE)
          .put("s\u001fmail.send\u001f", RedisBreakers.encode(missed));

      io.taskgrid.embedded.internal.Resp.call(redis.port(), "CLIENT", "KILL", "TYPE", "pubsub");

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(received).contains(missed));
    }
  }

  @Test
  void listsTheLastTransitionOfEachBreakerWithItsCountsOrderedByHandlerThenKey() {
    Keyspace ks = unique();
    RedisBreakers breakers = breakers(one, ks);
    breakers.publish(transition("b", "", BreakerState.OPEN, "w1"));
    breakers.publish(transition("a", "y", BreakerState.OPEN, "w1"));
    breakers.publish(transition("a", "x", BreakerState.OPEN, "w1"));
    breakers.publish(transition("a", "x", BreakerState.HALF_OPEN, "w2"));
    breakers.publish(transition("a", "x", BreakerState.OPEN, "w2"));
    breakers.addNotPermitted(Map.of(new BreakerId("a", "x"), 3L, new BreakerId("b", ""), 1L));
    breakers.addNotPermitted(Map.of(new BreakerId("a", "x"), 2L));

    List<SharedBreaker> listed = breakers(two, ks).list();

    assertThat(listed).extracting(b -> b.id().toString()).containsExactly("a[x]", "a[y]", "b");
    assertThat(listed.get(0)).isEqualTo(new SharedBreaker(transition("a", "x", BreakerState.OPEN, "w2"), 2, 5));
    assertThat(listed.get(2).notPermittedCalls()).isEqualTo(1);
    assertThat(breakers(one, unique()).list()).isEmpty();
  }

  @Test
  void aKeyedBreakersStateExpiresAnHourAfterItsLastUseAndAHandlersOwnNever() {
    Keyspace ks = unique();
    RedisBreakers breakers = breakers(one, ks);
    breakers.publish(transition("a", "", BreakerState.OPEN, "w1"));
    breakers.publish(transition("a", "used", BreakerState.OPEN, "w1"));
    breakers.publish(transition("a", "unused", BreakerState.OPEN, "w1"));
    breakers.publish(transition("a", "counted", BreakerState.OPEN, "w1"));

    now.set(now.get().plus(Duration.ofMinutes(50)));
    breakers.touch(List.of(new BreakerId("a", "used"), new BreakerId("a", "never-transitioned")));
    breakers.addNotPermitted(Map.of(new BreakerId("a", "counted"), 1L));
    now.set(now.get().plus(Duration.ofMinutes(20)));

    assertThat(breakers(two, ks).list()).extracting(b -> b.id().toString()).containsExactly("a", "a[counted]", "a[used]");

    now.set(now.get().plus(Duration.ofMinutes(45)));
    breakers.publish(transition("b", "", BreakerState.OPEN, "w1")); // a write removes what expired

    assertThat(breakers(two, ks).list()).extracting(b -> b.id().toString()).containsExactly("a", "b");
    assertThat(one.<String, String>getMap(ks.prefix() + "breakers", org.redisson.client.codec.StringCodec.INSTANCE).keySet())
        .allSatisfy(field -> assertThat(field).endsWith("\u001f"));
    assertThat(one.getScoredSortedSet(ks.prefix() + "breakers:expiry", org.redisson.client.codec.StringCodec.INSTANCE).size()).isZero();
  }
}
