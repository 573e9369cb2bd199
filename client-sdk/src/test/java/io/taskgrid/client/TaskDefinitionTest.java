package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the task definition builder and the list query accept, keep and derive, before anything is sent. */
class TaskDefinitionTest {
  private static TaskDefinition.Builder aTask() {
    return TaskDefinition.builder("nightly-report", "reports.nightly");
  }

  @Test
  void defaultsToAnEnabledOnDemandTaskWithTheClustersDefaults() {
    TaskDefinition d = aTask().build();

    assertThat(d.trigger()).isEqualTo(new Trigger.OnDemand());
    assertThat(d.enabled()).isTrue();
    assertThat(d.payload()).isEqualTo(Payload.empty());
    assertThat(d.misfirePolicy()).isEqualTo(MisfirePolicy.FIRE_ONCE);
    assertThat(d.priority()).isEqualTo(Priority.MEDIUM);
    assertThat(d.name()).isEmpty();
    assertThat(d.timeZone()).isEmpty();
    assertThat(d.timeout()).isEmpty();
    assertThat(d.tags()).isEmpty();
    assertThat(d.metadata()).isEmpty();
  }

  @Test
  void rejectsNullsWhereAValueIsRequired() {
    assertThatThrownBy(() -> TaskDefinition.builder(null, "h")).isInstanceOf(NullPointerException.class).hasMessage("id");
    assertThatThrownBy(() -> TaskDefinition.builder("id", null)).isInstanceOf(NullPointerException.class).hasMessage("handler");
    assertThatThrownBy(() -> aTask().cron(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> aTask().at((Instant) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> aTask().onEvent(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> aTask().tags("a", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> aTask().metadata("k", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> aTask().misfirePolicy(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> aTask().payloadText(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void readsNullOrEmptyOptionalValuesAsNotSet() {
    TaskDefinition d = aTask().name("").description(null).timeZone("").category("").timeout(null).jitter(null).timeZone((ZoneId) null).build();

    assertThat(d).isEqualTo(aTask().build());
  }

  @Test
  void theLastTriggerSetWins() {
    assertThat(aTask().cron("0 2 * * *").onEvent("user:*").build().trigger()).isEqualTo(new Trigger.OnEvent("user:*"));
    assertThat(aTask().onEvent("user:*").onDemand().build().trigger()).isEqualTo(new Trigger.OnDemand());
    assertThat(aTask().after("5m").at("2026-12-24T18:00").build().trigger()).isEqualTo(new Trigger.At("2026-12-24T18:00"));
  }

  @Test
  void writesADurationDelayInTheCompactForm() {
    assertThat(aTask().after(Duration.ofMinutes(90)).build().trigger()).isEqualTo(new Trigger.After("1h30m"));
    assertThat(aTask().after(Duration.ofMillis(1500)).build().trigger()).isEqualTo(new Trigger.After("1s500ms"));
    assertThat(aTask().after(Duration.ofDays(1).plusSeconds(1)).build().trigger()).isEqualTo(new Trigger.After("1d1s"));
    assertThat(aTask().after(Duration.ofNanos(1)).build().trigger()).isEqualTo(new Trigger.After("0s"));
    assertThatThrownBy(() -> aTask().after(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writesADelayTooLongForMillisecondsWithoutOverflowingLeavingTheClusterToRejectIt() {
    assertThat(aTask().after(Duration.ofSeconds(Long.MAX_VALUE)).build().trigger()).isEqualTo(new Trigger.After("106751991167300d15h30m7s"));
  }

  @Test
  void sendsNegativeDurationsInProtobufsFormWithNanosOfTheSecondsSign() {
    var proto = io.taskgrid.client.internal.Convert.toProto(aTask().jitter(Duration.ofMillis(-1500)).timeout(Duration.ofSeconds(-5)).build());
    assertThat(proto.getJitter()).isEqualTo(com.google.protobuf.Duration.newBuilder().setSeconds(-1).setNanos(-500_000_000).build());
    assertThat(proto.getTimeout()).isEqualTo(com.google.protobuf.Duration.newBuilder().setSeconds(-5).build());
    assertThat(io.taskgrid.client.internal.Convert.fromProto(proto).jitter()).contains(Duration.ofMillis(-1500));
  }

  @Test
  void sendsEveryPolicyInTheDefinitionsExecutionPolicy() {
    TaskDefinition d = aTask()
        .retry(RetryPolicy.builder().maxAttempts(3).build())
        .concurrency(ConcurrencyPolicy.key("reports").limit(2).overlap(ConcurrencyPolicy.Overlap.QUEUE).maxQueued(10).build())
        .rateLimit(RateLimitPolicy.of(100, Duration.ofMinutes(1)).key("crm-api").window(RateLimitPolicy.Window.FIXED)
            .onExcess(RateLimitPolicy.Excess.DROP).build())
        .circuitBreakerKey("tenant-42")
        .build();

    io.taskgrid.proto.v1.ExecutionPolicy p = io.taskgrid.client.internal.Convert.toProto(d).getPolicy();

    assertThat(p.getRetry().getMaxAttempts()).isEqualTo(3);
    assertThat(p.getConcurrency()).isEqualTo(io.taskgrid.proto.v1.ConcurrencyPolicy.newBuilder().setKey("reports").setLimit(2)
        .setOverlap(io.taskgrid.proto.v1.OverlapPolicy.OVERLAP_POLICY_QUEUE).setMaxQueued(10).build());
    assertThat(p.getRateLimit()).isEqualTo(io.taskgrid.proto.v1.RateLimitPolicy.newBuilder().setKey("crm-api").setLimit(100)
        .setPeriod(com.google.protobuf.Duration.newBuilder().setSeconds(60)).setWindow(io.taskgrid.proto.v1.RateWindow.RATE_WINDOW_FIXED)
        .setOnExcess(io.taskgrid.proto.v1.RateExcess.RATE_EXCESS_DROP).build());
    assertThat(p.getCircuitBreakerKey()).isEqualTo("tenant-42");
    assertThat(io.taskgrid.client.internal.Convert.fromProto(io.taskgrid.client.internal.Convert.toProto(d))).isEqualTo(d);
  }

  @Test
  void aDefinitionWithoutPoliciesSendsNoPolicyAndReadsNoneBack() {
    var proto = io.taskgrid.client.internal.Convert.toProto(aTask().circuitBreakerKey("").build());

    assertThat(proto.hasPolicy()).isFalse();
    TaskDefinition back = io.taskgrid.client.internal.Convert.fromProto(proto);
    assertThat(back.retry()).isEmpty();
    assertThat(back.concurrency()).isEmpty();
    assertThat(back.rateLimit()).isEmpty();
    assertThat(back.circuitBreakerKey()).isEmpty();
  }

  @Test
  void readsUnsetPolicyValuesAsTheContractsDefaults() {
    var proto = io.taskgrid.client.internal.Convert.toProto(aTask().build()).toBuilder()
        .setPolicy(io.taskgrid.proto.v1.ExecutionPolicy.newBuilder()
            .setConcurrency(io.taskgrid.proto.v1.ConcurrencyPolicy.newBuilder().setKey("nightly-report"))
            .setRateLimit(io.taskgrid.proto.v1.RateLimitPolicy.newBuilder().setLimit(5)))
        .build();

    TaskDefinition d = io.taskgrid.client.internal.Convert.fromProto(proto);

    assertThat(d.concurrency()).contains(ConcurrencyPolicy.key("nightly-report").limit(1).overlap(ConcurrencyPolicy.Overlap.ALLOW).build());
    assertThat(d.rateLimit()).contains(RateLimitPolicy.of(5, Duration.ofSeconds(1)).build());
  }

  @Test
  void atAZonedTimeSendsTheLocalTimeAndSetsTheZone() {
    TaskDefinition d = aTask().at(ZonedDateTime.of(LocalDateTime.parse("2026-12-24T18:00"), ZoneId.of("Europe/London"))).build();

    assertThat(d.trigger()).isEqualTo(new Trigger.At("2026-12-24T18:00"));
    assertThat(d.timeZone()).contains("Europe/London");
    assertThat(aTask().at(Instant.parse("2026-12-24T17:00:00Z")).build().trigger()).isEqualTo(new Trigger.At("2026-12-24T17:00:00Z"));
  }

  @Test
  void atAZonedTimeThatALocalTimeCannotSayExactlySendsItsOffset() {
    TaskDefinition fixed = aTask().timeZone("Asia/Tokyo").at(ZonedDateTime.of(LocalDateTime.parse("2026-12-24T18:00"), ZoneOffset.ofHours(2))).build();
    assertThat(fixed.trigger()).isEqualTo(new Trigger.At("2026-12-24T18:00+02:00"));
    assertThat(fixed.timeZone()).contains("Asia/Tokyo");

    // 01:30 happens twice in London on 2026-10-25; the second time is 01:30+00:00
    ZonedDateTime second = ZonedDateTime.of(LocalDateTime.parse("2026-10-25T01:30"), ZoneId.of("Europe/London")).withLaterOffsetAtOverlap();
    TaskDefinition overlap = aTask().at(second).build();
    assertThat(overlap.trigger()).isEqualTo(new Trigger.At("2026-10-25T01:30Z"));
    assertThat(overlap.timeZone()).contains("Europe/London");
    assertThat(aTask().at(second.withEarlierOffsetAtOverlap()).build().trigger()).isEqualTo(new Trigger.At("2026-10-25T01:30"));
  }

  @Test
  void isImmutableAndComparesByValue() {
    byte[] data = {1, 2, 3};
    TaskDefinition.Builder builder = aTask().payload(data, "application/octet-stream").tags("a").metadata("k", "v");
    TaskDefinition d = builder.build();
    data[0] = 9;
    builder.tag("b").metadata("k2", "v2");

    assertThat(d.payload().data()).containsExactly(1, 2, 3);
    assertThat(d.tags()).containsExactly("a");
    assertThat(d.metadata()).containsExactly(Map.entry("k", "v"));
    assertThatThrownBy(() -> d.tags().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> d.metadata().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(d).isEqualTo(aTask().payload(new byte[] {1, 2, 3}, "application/octet-stream").tag("a").metadata(Map.of("k", "v")).build());
    assertThat(d.hashCode()).isEqualTo(aTask().payload(new byte[] {1, 2, 3}, "application/octet-stream").tag("a").metadata("k", "v").build().hashCode());
    assertThat(d.toString()).contains("nightly-report").doesNotContain("[1, 2, 3]");
  }

  @Test
  void toBuilderKeepsEveryValueAndPluralSettersReplace() {
    TaskDefinition full = aTask().name("n").description("d").cron("0 2 * * *").timeZone("Europe/London").payloadText("p")
        .tags("a", "b").category("c").metadata("k", "v").enabled(false).misfirePolicy(MisfirePolicy.CATCH_UP)
        .catchUpWindow(Duration.ofHours(2)).jitter(Duration.ofSeconds(5)).timeout(Duration.ofMinutes(1)).priority(Priority.LOW)
        .retry(RetryPolicy.builder().maxAttempts(2).build()).concurrency(ConcurrencyPolicy.key("").limit(1).overlap(ConcurrencyPolicy.Overlap.SKIP).build())
        .rateLimit(RateLimitPolicy.of(1, Duration.ofSeconds(1)).build()).circuitBreakerKey("k").build();

    assertThat(full.toBuilder().build()).isEqualTo(full);
    assertThat(full.toBuilder().circuitBreakerKey(null).build()).isNotEqualTo(full);
    assertThat(full.toBuilder().concurrency(ConcurrencyPolicy.key("").limit(2).overlap(ConcurrencyPolicy.Overlap.SKIP).build()).build())
        .isNotEqualTo(full);
    assertThat(full.toString()).contains("concurrency=", "rateLimit=", "circuitBreakerKey=k");
    TaskDefinition changed = full.toBuilder().tags("z").metadata(Map.of("x", "y")).build();
    assertThat(changed.tags()).containsExactly("z");
    assertThat(changed.metadata()).containsExactly(Map.entry("x", "y"));
    assertThat(changed).isNotEqualTo(full);
  }

  @Test
  void queriesNarrowWithoutChangingTheOriginal() {
    TaskQuery all = TaskQuery.all();
    TaskQuery paused = all.withState(TaskState.PAUSED).withTag("reports").withCategory("").withPageSize(50).withPageToken("t3");

    assertThat(all.state()).isEmpty();
    assertThat(all.pageToken()).isEmpty();
    assertThat(paused.state()).contains(TaskState.PAUSED);
    assertThat(paused.tag()).contains("reports");
    assertThat(paused.category()).isEmpty();
    assertThat(paused.pageSize()).isEqualTo(50);
    assertThat(paused.pageToken()).contains("t3");
    assertThat(paused.withPageToken(null).pageToken()).isEmpty();
    assertThat(paused).isEqualTo(TaskQuery.all().withPageToken("t3").withPageSize(50).withTag("reports").withState(TaskState.PAUSED));
  }

  @Test
  void aSideTaskSendsItsRestartPolicyAndReadsItBackWithUnsetValuesAsTheDefaults() {
    TaskDefinition d = TaskDefinition.builder("inbox-watcher", "inbox.watch").side(new SideTask(Duration.ofSeconds(2), Duration.ofMinutes(5), 3)).build();
    var proto = io.taskgrid.client.internal.Convert.toProto(d);
    assertThat(proto.getSide().getRestartInitialDelay().getSeconds()).isEqualTo(2);
    assertThat(proto.getSide().getRestartMaxDelay().getSeconds()).isEqualTo(300);
    assertThat(proto.getSide().getRestartMultiplier()).isEqualTo(3.0);
    assertThat(proto.hasTrigger()).isFalse();
    assertThat(io.taskgrid.client.internal.Convert.fromProto(proto)).isEqualTo(d);
    var unset = proto.toBuilder().setSide(io.taskgrid.proto.v1.SideTask.getDefaultInstance()).build();
    assertThat(io.taskgrid.client.internal.Convert.fromProto(unset).side()).contains(SideTask.defaults());
    assertThat(io.taskgrid.client.internal.Convert.toProto(aTask().build()).hasSide()).isFalse();
  }
}
