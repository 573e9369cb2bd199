package io.taskgrid.coordinator.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.coordinator.internal.stats.StatsWindows;
import io.taskgrid.coordinator.internal.store.ExecutionStore.NewExecution;
import io.taskgrid.coordinator.internal.store.ExecutionStore.ReportedOutcome;
import io.taskgrid.coordinator.internal.store.ExecutionStore.StatsCounters;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.Payload;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.TaskSpec;
import io.taskgrid.core.config.RedisEndpoint;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.stats.DurationHistogram;
import io.taskgrid.embedded.RedisProcess;
import io.taskgrid.redis.RedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The statistics counters the store's scripts keep, against a real Redis. */
class StatsCountersIT {
  private static RedisProcess redis;
  private static RedissonClient client;
  private final Keyspace keys = new Keyspace("stats-" + System.nanoTime());
  private final RedisExecutionStore store = new RedisExecutionStore(client, keys, Duration.ofDays(7), Duration.ofMinutes(5),
      new io.taskgrid.telemetry.CoordinatorMeters(io.taskgrid.telemetry.Metrics.noop().meter()), InstantSource.system());

  @BeforeAll
  static void startRedis() {
    redis = RedisProcess.start();
    client = new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", redis.redisUrl()), "stats-it", 1, 4).open();
  }

  @AfterAll
  static void stopRedis() {
    client.shutdown();
    redis.close();
  }

  private static NewExecution execution(String id, String handler, Map<String, String> labels) {
    TaskSpec spec = TaskSpec.validate(handler, Payload.EMPTY, null, null, labels, null, SubmissionLimits.DEFAULTS);
    return new NewExecution(id, spec, Instant.now());
  }

  private StatsCounters counters() {
    Instant now = Instant.now();
    return store.statsCounters(StatsWindows.lastHour(now), StatsWindows.lastDay(now)).toCompletableFuture().join();
  }

  private int record(ReportedOutcome... outcomes) {
    return store.recordOutcomes(List.of(outcomes)).toCompletableFuture().join();
  }

  @Test
  void aNewExecutionIsPendingForItsHandlerAndTaskAndAResentOutcomeCountsOnce() {
    store.insert(List.of(execution("e-1", "email", Map.of(Keyspace.TASK_LABEL, "nightly")))).toCompletableFuture().join();
    assertThat(counters().live()).containsEntry("h:email|P", 1L).containsEntry("t:nightly|P", 1L);

    Instant end = Instant.now();
    var done = new ReportedOutcome("e-1", 1, "email", "w-1", new Outcome.Succeeded(end.minusMillis(120), end, Payload.EMPTY));
    assertThat(record(done)).isEqualTo(1);
    assertThat(record(done)).isZero();

    StatsCounters c = counters();
    String bucket = Integer.toString(DurationHistogram.bucketOf(Duration.ofMillis(120)));
    assertThat(c.live()).isEmpty();
    assertThat(c.lastHour()).containsOnly(Map.entry("h:email|S|" + bucket, 1L), Map.entry("t:nightly|S|" + bucket, 1L));
    assertThat(c.lastDay()).isEqualTo(c.lastHour());
  }

  @Test
  void aBatchCountsEachExecutionOnceAndWritesEachCounterOnce() {
    List<NewExecution> batch = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      batch.add(execution("b-" + i, i % 3 == 0 ? "sms" : "email", i % 2 == 0 ? Map.of(Keyspace.TASK_LABEL, "nightly") : Map.of()));
    }
    long before = hincrbyCalls();
    store.insert(batch).toCompletableFuture().join();
    // one HINCRBY per counter changed (h:sms|P, h:email|P, t:nightly|P), not one per execution
    assertThat(hincrbyCalls() - before).isEqualTo(3);
    assertThat(counters().live()).containsOnly(Map.entry("h:sms|P", 100L), Map.entry("h:email|P", 200L), Map.entry("t:nightly|P", 150L));

    Instant end = Instant.now();
    List<ReportedOutcome> outcomes = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String handler = i % 3 == 0 ? "sms" : "email";
      Outcome o = i < 250 ? new Outcome.Succeeded(end.minusMillis(120), end, Payload.EMPTY)
          : new Outcome.Failed(end.minusMillis(120), end, "x.Boom", "boom");
      outcomes.add(i < 280 ? new ReportedOutcome("b-" + i, 1, handler, "w-1", o)
          : new ReportedOutcome("b-" + i, 1, handler, "w-1", o, 2, Optional.of(end.plusSeconds(60))));
    }
    outcomes.add(outcomes.get(0)); // resent in the same batch: counted once
    assertThat(store.recordOutcomes(outcomes).toCompletableFuture().join()).isEqualTo(300);

    StatsCounters c = counters();
    String bucket = Integer.toString(DurationHistogram.bucketOf(Duration.ofMillis(120)));
    long sms = java.util.stream.IntStream.range(0, 300).filter(i -> i % 3 == 0).count();
    long smsOk = java.util.stream.IntStream.range(0, 250).filter(i -> i % 3 == 0).count();
    long smsFailed = java.util.stream.IntStream.range(250, 280).filter(i -> i % 3 == 0).count();
    long smsWaiting = sms - smsOk - smsFailed;
    long nightlyWaiting = java.util.stream.IntStream.range(280, 300).filter(i -> i % 2 == 0).count();
    assertThat(c.live()).containsOnly(Map.entry("h:sms|W", smsWaiting), Map.entry("h:email|W", 20 - smsWaiting),
        Map.entry("t:nightly|W", nightlyWaiting));
    assertThat(c.lastHour()).containsEntry("h:sms|S|" + bucket, smsOk).containsEntry("h:email|S|" + bucket, 250 - smsOk)
        .containsEntry("h:sms|F|" + bucket, smsFailed).containsEntry("h:email|F|" + bucket, 30 - smsFailed)
        .containsEntry("t:nightly|S|" + bucket, 125L).containsEntry("t:nightly|F|" + bucket, 15L);
    long minute = end.toEpochMilli() / 60_000;
    assertThat(client.getMap(Keyspace.Stats.minute(keys, minute), StringCodec.INSTANCE).remainTimeToLive()).isPositive();
    assertThat(client.getMap(Keyspace.Stats.hour(keys, minute / 60), StringCodec.INSTANCE).remainTimeToLive()).isPositive();
  }

  private long hincrbyCalls() {
    String info = client.getRedisNodes(org.redisson.api.redisnode.RedisNodes.SINGLE).getInstance()
        .info(org.redisson.api.redisnode.RedisNode.InfoSection.COMMANDSTATS).getOrDefault("cmdstat_hincrby", "calls=0,");
    return Long.parseLong(info.substring(info.indexOf("calls=") + 6, info.indexOf(',', info.indexOf("calls="))));
  }

  @Test
  void aRetryWaitsUntilItsLastAttemptEnds() {
    store.insert(List.of(execution("r-1", "email", Map.of()))).toCompletableFuture().join();
    Instant end = Instant.now();
    record(new ReportedOutcome("r-1", 1, "email", "w-1", new Outcome.Failed(end.minusMillis(5), end, "x.Boom", "boom"), 2,
        Optional.of(end.plusSeconds(60))));
    StatsCounters waiting = counters();
    assertThat(waiting.live()).containsOnly(Map.entry("h:email|W", 1L));
    assertThat(waiting.lastHour()).isEmpty();

    record(new ReportedOutcome("r-1", 2, "email", "w-1", new Outcome.Failed(end.minusMillis(5), end, "x.Boom", "boom")));
    StatsCounters ended = counters();
    assertThat(ended.live()).isEmpty();
    assertThat(ended.lastHour().keySet()).singleElement().asString().startsWith("h:email|F|");
  }

  @Test
  void cancellingAWaitingExecutionAndRemovingAnUnqueuedOneLeaveNoGauge() {
    store.insert(List.of(execution("c-1", "email", Map.of()), execution("d-1", "email", Map.of()))).toCompletableFuture().join();
    assertThat(counters().live()).containsOnly(Map.entry("h:email|P", 2L));

    store.cancel("c-1", Outcome.Cancelled.CANCELLED).toCompletableFuture().join();
    store.cancel("c-1", Outcome.Cancelled.CANCELLED).toCompletableFuture().join();
    store.remove(List.of(execution("d-1", "email", Map.of()))).toCompletableFuture().join();

    StatsCounters c = counters();
    assertThat(c.live()).isEmpty();
    assertThat(c.lastHour()).containsOnly(Map.entry("h:email|C|", 1L));
  }

  @Test
  void anEndReportedAfterItsHourHasPassedIsNotInTheLastHourAndBucketsExpireByThemselves() {
    store.insert(List.of(execution("o-1", "email", Map.of()), execution("n-1", "email", Map.of()))).toCompletableFuture().join();
    Instant old = Instant.now().minus(Duration.ofMinutes(90));
    record(new ReportedOutcome("o-1", 1, "email", "w-1", new Outcome.Skipped(old, old, Outcome.Skipped.QUEUE_FULL)));
    Instant now = Instant.now();
    record(new ReportedOutcome("n-1", 1, "email", "w-1", new Outcome.Skipped(now, now, Outcome.Skipped.QUEUE_FULL)));

    StatsCounters c = counters();
    assertThat(c.lastHour()).containsOnly(Map.entry("h:email|K|", 1L));
    assertThat(c.lastDay()).containsOnly(Map.entry("h:email|K|", 2L));
    long minute = now.toEpochMilli() / 60_000;
    long ttl = client.getMap(Keyspace.Stats.minute(keys, minute), StringCodec.INSTANCE).remainTimeToLive();
    assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(61).toMillis());
    long hourTtl = client.getMap(Keyspace.Stats.hour(keys, minute / 60), StringCodec.INSTANCE).remainTimeToLive();
    assertThat(hourTtl).isPositive().isLessThanOrEqualTo(Duration.ofHours(25).toMillis());
  }
}
