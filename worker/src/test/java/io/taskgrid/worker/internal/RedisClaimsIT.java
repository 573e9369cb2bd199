package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.taskgrid.core.config.RedisEndpoint;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.embedded.RedisProcess;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.redis.RedisConnection;
import io.taskgrid.telemetry.Metrics;
import io.taskgrid.telemetry.WorkerMeters;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The claim script's fencing of retries, against a real Redis. */
class RedisClaimsIT {
  private static RedisProcess redis;
  private static RedissonClient client;
  private final Keyspace keys = new Keyspace("claims-" + System.nanoTime());
  private final RedisClaims claims = new RedisClaims(client, keys, "w1", Duration.ofSeconds(30), Clock.systemUTC(),
      new WorkerMeters(Metrics.noop().meter()));

  @BeforeAll
  static void startRedis() {
    redis = RedisProcess.start();
    client = new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", redis.redisUrl()), "claims-it", 1, 4).open();
  }

  @AfterAll
  static void stopRedis() {
    client.shutdown();
    redis.close();
  }

  private static Delivery delivery(String id, int attempt, boolean retry) {
    TaskMessage.Builder m = TaskMessage.newBuilder().setExecutionId(id).setHandler("h").setAttempt(attempt)
        .setEnqueuedAt(Timestamp.newBuilder().setSeconds(1_700_000_000));
    if (retry) m.setFirstAttemptAt(Timestamp.newBuilder().setSeconds(1_700_000_000));
    return new Delivery(new TopicPartition("t", 0), 0, m.build());
  }

  /** The execution as RECORD_OUTCOMES leaves it after scheduling attempt {@code next}. */
  private void retryScheduled(String id, int next) {
    client.getMap(keys.execution(id), StringCodec.INSTANCE).putAll(java.util.Map.of(
        "id", id, "h", "h", "s", "RETRY_SCHEDULED", "a", Integer.toString(next - 1), "na", Integer.toString(next), "nat", "1",
        "p", "MEDIUM", "t", "0", "sub", "1", "k", ""));
  }

  private String status(String id) {
    return (String) client.getMap(keys.execution(id), StringCodec.INSTANCE).get("s");
  }

  @Test
  void theRetryOfTheAttemptTheExecutionWaitsForIsClaimedAtThatAttempt() {
    retryScheduled("e1", 3);

    assertThat(claims.claim(List.of(delivery("e1", 3, true)))).containsExactly(new ClaimResult.Claimed(3));
    assertThat(status("e1")).isEqualTo("RUNNING");
  }

  @Test
  void aStaleRetryOrARedeliveredFirstAttemptIsDoneWithoutRunningWhileARetryIsScheduled() {
    retryScheduled("e2", 3);

    assertThat(claims.claim(List.of(delivery("e2", 2, true), delivery("e2", 1, false))))
        .containsExactly(new ClaimResult.Finished("RETRY_SCHEDULED"), new ClaimResult.Finished("RETRY_SCHEDULED"));
    assertThat(status("e2")).isEqualTo("RETRY_SCHEDULED");
  }

  @Test
  void aRetryWhoseRecordWasLostRebuildsItAtItsOwnAttempt() {
    assertThat(claims.claim(List.of(delivery("e3", 4, true)))).containsExactly(new ClaimResult.Claimed(4));
    assertThat(status("e3")).isEqualTo("RUNNING");
  }

  @Test
  void aDuplicateReleaseOfARetryWhoseRecordWasLostDoesNotRunTwice() {
    RedisClaims other = new RedisClaims(client, keys, "w2", Duration.ofSeconds(30), Clock.systemUTC(),
        new WorkerMeters(Metrics.noop().meter()));
    assertThat(claims.claim(List.of(delivery("e6", 2, true)))).containsExactly(new ClaimResult.Claimed(2));

    // the rebuilt record fences the copy: held while attempt 2 runs, done once it ended or a later attempt waits
    assertThat(other.claim(List.of(delivery("e6", 2, true)))).containsExactly(new ClaimResult.HeldBy("w1"));
    client.getBucket(keys.prefix() + "claim:e6", StringCodec.INSTANCE).delete();
    retryScheduled("e6", 3);
    assertThat(other.claim(List.of(delivery("e6", 2, true)))).containsExactly(new ClaimResult.Finished("RETRY_SCHEDULED"));
  }

  @Test
  void aFirstAttemptIsClaimedAsBefore() {
    assertThat(claims.claim(List.of(delivery("e4", 1, false)))).containsExactly(new ClaimResult.Claimed(1));
    assertThat(claims.claim(List.of(delivery("e4", 1, false)))).containsExactly(new ClaimResult.AlreadyMine());
  }

  @Test
  void aRetryThatComesBeforeItsPreviousAttemptIsRecordedWaitsForTheRecord() {
    RedisClaims other = new RedisClaims(client, keys, "w2", Duration.ofSeconds(30), Clock.systemUTC(),
        new WorkerMeters(Metrics.noop().meter()));
    assertThat(claims.claim(List.of(delivery("e10", 1, false)))).containsExactly(new ClaimResult.Claimed(1));
    // attempt 1 failed and its retry is in Kafka; its outcome (RETRY_SCHEDULED) is not recorded yet.
    // The retry is neither a redelivery of attempt 1's run (joining it would settle the retry with
    // attempt 1's outcome) nor an execution held by a live worker
    assertThat(claims.claim(List.of(delivery("e10", 2, true)))).containsExactly(new ClaimResult.PreviousAttemptUnrecorded("w1"));
    assertThat(other.claim(List.of(delivery("e10", 2, true)))).containsExactly(new ClaimResult.PreviousAttemptUnrecorded("w1"));
    assertThat(claims.claim(List.of(delivery("e10", 1, false)))).containsExactly(new ClaimResult.AlreadyMine());

    // recorded: the claim goes and the execution waits for attempt 2
    claims.release(List.of("e10"));
    retryScheduled("e10", 2);
    assertThat(other.claim(List.of(delivery("e10", 2, true)))).containsExactly(new ClaimResult.Claimed(2));
    assertThat(status("e10")).isEqualTo("RUNNING");
  }

  @Test
  void aScheduledRetryCountsAsRecordedWhenTheWorkerRenewsItsClaims() {
    retryScheduled("e5", 2);

    assertThat(claims.renew(List.of("e5"))).isEmpty();
  }

  @Test
  void aReleasedClaimLetsAnotherWorkerClaimTheSameAttemptAtOnce() {
    RedisClaims other = new RedisClaims(client, keys, "w2", Duration.ofSeconds(30), Clock.systemUTC(),
        new WorkerMeters(Metrics.noop().meter()));
    assertThat(claims.claim(List.of(delivery("e8", 1, false)))).containsExactly(new ClaimResult.Claimed(1));
    assertThat(other.claim(List.of(delivery("e8", 1, false)))).containsExactly(new ClaimResult.HeldBy("w1"));

    assertThat(claims.release(List.of("e8"))).isEqualTo(1);

    assertThat(other.claim(List.of(delivery("e8", 1, false)))).containsExactly(new ClaimResult.Claimed(1));
    assertThat(client.getMap(keys.execution("e8"), StringCodec.INSTANCE).get("w")).isEqualTo("w2");
  }

  @Test
  void releaseLeavesAClaimOfAnotherWorkerAlone() {
    RedisClaims other = new RedisClaims(client, keys, "w2", Duration.ofSeconds(30), Clock.systemUTC(),
        new WorkerMeters(Metrics.noop().meter()));
    assertThat(other.claim(List.of(delivery("e9", 1, false)))).containsExactly(new ClaimResult.Claimed(1));

    assertThat(claims.release(List.of("e9", "never-claimed"))).isZero();

    assertThat(claims.claim(List.of(delivery("e9", 1, false)))).containsExactly(new ClaimResult.HeldBy("w2"));
    assertThat(client.getMap(keys.execution("e9"), StringCodec.INSTANCE).get("a")).isEqualTo("1");
  }
}
