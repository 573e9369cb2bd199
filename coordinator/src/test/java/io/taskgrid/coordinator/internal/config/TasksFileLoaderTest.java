package io.taskgrid.coordinator.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.coordinator.internal.config.TasksFileLoader.TasksFileException;
import io.taskgrid.core.Payload;
import io.taskgrid.core.Priority;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.policy.ConcurrencyPolicy;
import io.taskgrid.core.policy.RateLimitPolicy;
import io.taskgrid.core.schedule.MisfirePolicy;
import io.taskgrid.core.task.TaskDefinition;
import io.taskgrid.core.task.Trigger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TasksFileLoaderTest {
  private static List<TaskDefinition> parse(String yaml, Map<String, String> env) {
    return TasksFileLoader.parse("tasks.yaml", yaml, env, SubmissionLimits.DEFAULTS, ZoneOffset.UTC);
  }

  @Test
  void readsEveryFieldOfATask() {
    List<TaskDefinition> tasks = parse("""
        tasks:
          - id: nightly-report
            name: Nightly report
            description: the numbers
            handler: reports.nightly
            cron: "0 2 * * *"
            time_zone: Europe/London
            payload: {day: yesterday, n: 3}
            enabled: false
            tags: [reports, daily]
            category: reporting
            metadata: {owner: data}
            misfire_policy: catch_up
            catch_up_window: 6h
            jitter: 30s
            timeout: 10m
            priority: high
        """, Map.of());
    TaskDefinition d = tasks.get(0);
    assertThat(d.id().value()).isEqualTo("nightly-report");
    assertThat(d.name()).isEqualTo("Nightly report");
    assertThat(d.trigger()).isInstanceOfSatisfying(Trigger.Cron.class, c -> assertThat(c.expression()).isEqualTo("0 2 * * *"));
    assertThat(d.zone()).contains(ZoneId.of("Europe/London"));
    assertThat(d.payload()).isEqualTo(new Payload("{\"day\":\"yesterday\",\"n\":3}".getBytes(StandardCharsets.UTF_8), Payload.JSON));
    assertThat(d.enabled()).isFalse();
    assertThat(d.tags()).containsExactly("daily", "reports");
    assertThat(d.category()).isEqualTo("reporting");
    assertThat(d.metadata().values()).containsEntry("owner", "data");
    assertThat(d.misfirePolicy()).isEqualTo(new MisfirePolicy.CatchUp(Duration.ofHours(6)));
    assertThat(d.jitter()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.timeout()).contains(Duration.ofMinutes(10));
    assertThat(d.priority()).isEqualTo(Priority.HIGH);
  }

  @Test
  void substitutesEnvironmentVariablesWithDefaults() {
    String yaml = """
        tasks:
          - id: t
            handler: ${HANDLER}
            event: "${PREFIX:-user}:*"
            enabled: ${ENABLED:-true}
            payload_text: "to ${WHO:-nobody}"
        """;
    TaskDefinition d = parse(yaml, Map.of("HANDLER", "mail.send", "ENABLED", "false")).get(0);
    assertThat(d.handler().value()).isEqualTo("mail.send");
    assertThat(d.trigger()).isEqualTo(new Trigger.OnEvent(io.taskgrid.core.task.EventPattern.parse("p", "user:*")));
    assertThat(d.enabled()).isFalse();
    assertThat(d.payload().asText()).isEqualTo("to nobody");
  }

  @Test
  void aBadTaskIsReportedWithItsPositionIdAndField() {
    assertThatThrownBy(() -> parse("""
        tasks:
          - id: ok
            handler: h
            cron: "* * * * *"
          - id: nightly
            handler: h
            cron: "61 2 * * *"
        """, Map.of()))
        .isInstanceOf(TasksFileException.class)
        .hasMessageContaining("tasks.yaml")
        .hasMessageContaining("tasks[1] (id \"nightly\").trigger.cron")
        .hasMessageContaining("61");
  }

  @Test
  void rejectsUnknownKeysDuplicateIdsAndUnsetVariables() {
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, crom: \"* * * * *\"}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").crom: is not a task field");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h}\n  - {id: a, handler: h}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("declared twice");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: \"${NOPE}\"}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").handler: environment variable NOPE is not set");
    assertThatThrownBy(() -> parse("tasks: [\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> parse("jobs: []\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("one key, tasks");
  }

  @Test
  void anEmptyFileDeclaresNoTasks() {
    assertThat(parse("", Map.of())).isEmpty();
    assertThat(parse("tasks: []", Map.of())).isEmpty();
  }

  @Test
  void readsARetryPolicyWithDurationsInTheFilesForm() {
    TaskDefinition d = parse("""
        tasks:
          - id: sync
            handler: crm.sync
            cron: "*/5 * * * *"
            policy:
              retry: {max_attempts: 5, initial_delay: 2s, backoff: fixed, max_delay: 1m, jitter: 0.25, max_duration: 1h,
                      non_retryable_errors: [java.lang.IllegalArgumentException]}
        """, Map.of()).get(0);

    io.taskgrid.core.policy.RetryPolicy r = d.policy().retry().orElseThrow();
    assertThat(r.maxAttempts()).isEqualTo(5);
    assertThat(r.initialDelay()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(r.backoff()).isEqualTo(io.taskgrid.core.policy.RetryPolicy.Backoff.FIXED);
    assertThat(r.maxDelay()).isEqualTo(java.time.Duration.ofMinutes(1));
    assertThat(r.jitter()).isEqualTo(0.25);
    assertThat(r.maxDuration()).contains(java.time.Duration.ofHours(1));
    assertThat(r.nonRetryableErrors()).containsExactly("java.lang.IllegalArgumentException");
  }

  @Test
  void aBadRetryPolicyNamesItsField() {
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {retry: {max_attempts: 500}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.retry.max_attempts: must be between 1 and 100");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {retry: {initial_delay: 10ms}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.retry.initial_delay: must be between 100ms");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {retry: {backoff: linear}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.retry.backoff: must be exponential or fixed");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {retyr: {}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.retyr: is not a field here");
  }

  @Test
  void readsAConcurrencyPolicy() {
    TaskDefinition d = parse("""
        tasks:
          - id: sync
            handler: crm.sync
            cron: "*/5 * * * *"
            policy:
              concurrency: {key: crm, limit: 2, overlap: queue, max_queued: 50}
        """, Map.of()).get(0);

    assertThat(d.policy().concurrency()).contains(new ConcurrencyPolicy("crm", 2, ConcurrencyPolicy.Overlap.QUEUE, 50));
  }

  @Test
  void aConcurrencyPolicyWithoutKeyIsKeyedByTheTasksIdAndReadsEveryOverlap() {
    for (var overlap : ConcurrencyPolicy.Overlap.values()) {
      TaskDefinition d = parse("tasks:\n  - {id: sync, handler: h, policy: {concurrency: {limit: 1, overlap: "
          + overlap.name().toLowerCase(java.util.Locale.ROOT) + "}}}\n", Map.of()).get(0);
      assertThat(d.policy().concurrency()).contains(new ConcurrencyPolicy("sync", 1, overlap, ConcurrencyPolicy.DEFAULT_MAX_QUEUED));
    }
  }

  @Test
  void aBadConcurrencyPolicyNamesItsFieldAndValue() {
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {concurrency: {limit: 0}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.concurrency.limit: must be between 1 and 10000, got 0");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {concurrency: {limit: 20000}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.concurrency.limit: must be between 1 and 10000, got 20000");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {concurrency: {limit: one}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.concurrency.limit: must be a whole number, got \"one\"");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {concurrency: {overlap: wait}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class)
        .hasMessageContaining("(id \"a\").policy.concurrency.overlap: must be allow, skip, queue or replace, got \"wait\"");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {concurrency: {overlap: queue, max_queued: 0}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.concurrency.max_queued: must be between 1 and 100000, got 0");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {concurrency: {overlap: skip, max_queued: 200000}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.concurrency.max_queued: must be between 1 and 100000, got 200000");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {concurrency: {key: \"a b\", limit: 1}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.concurrency.key:").hasMessageContaining("a b");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {concurrency: {limit: 1, overlaps: skip}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.concurrency.overlaps: is not a field here");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {concurrency: 1}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.concurrency: must be a mapping, got 1");
  }

  @Test
  void readsARateLimitPolicy() {
    TaskDefinition d = parse("""
        tasks:
          - id: sync
            handler: crm.sync
            cron: "*/5 * * * *"
            policy:
              rate_limit: {key: crm-api, limit: 100, period: 1m, window: fixed, on_excess: drop}
        """, Map.of()).get(0);

    assertThat(d.policy().rateLimit())
        .contains(new RateLimitPolicy("crm-api", 100, Duration.ofMinutes(1), RateLimitPolicy.Window.FIXED, RateLimitPolicy.Excess.DROP));
  }

  @Test
  void aRateLimitWithOnlyItsLimitIsTheHandlersSlidingBudgetPerSecondThatDelays() {
    TaskDefinition d = parse("tasks:\n  - {id: sync, handler: crm.sync, policy: {rate_limit: {limit: 5}}}\n", Map.of()).get(0);

    assertThat(d.policy().rateLimit())
        .contains(new RateLimitPolicy("crm.sync", 5, Duration.ofSeconds(1), RateLimitPolicy.Window.SLIDING, RateLimitPolicy.Excess.DELAY));
    assertThat(parse("tasks:\n  - {id: s, handler: h, policy: {rate_limit: {limit: 5, window: sliding, on_excess: delay}}}\n", Map.of())
        .get(0).policy().rateLimit().orElseThrow())
        .extracting(RateLimitPolicy::window, RateLimitPolicy::onExcess)
        .containsExactly(RateLimitPolicy.Window.SLIDING, RateLimitPolicy.Excess.DELAY);
  }

  @Test
  void aBadRateLimitNamesItsFieldAndValue() {
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {rate_limit: {period: 1s}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.rate_limit.limit: must be set");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {rate_limit: {limit: 0}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.rate_limit.limit: must be between 1 and 1000000, got 0");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {rate_limit: {limit: 2000000}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.rate_limit.limit: must be between 1 and 1000000, got 2000000");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {rate_limit: {limit: 1, period: 2d}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.rate_limit.period: must be between 1ms and 1d, got 2d");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {rate_limit: {limit: 1, period: 0s}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.rate_limit.period: must be between 1ms and 1d, got \"0s\"");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {rate_limit: {limit: 1, period: soon}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.rate_limit.period: must be a duration").hasMessageContaining("soon");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {rate_limit: {limit: 1, window: rolling}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.rate_limit.window: must be sliding or fixed, got \"rolling\"");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {rate_limit: {limit: 1, on_excess: queue}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.rate_limit.on_excess: must be delay or drop, got \"queue\"");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {rate_limit: {limit: 1, excess: drop}}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.rate_limit.excess: is not a field here");
  }

  @Test
  void readsACircuitBreakerKey() {
    TaskDefinition d = parse("tasks:\n  - {id: a, handler: h, policy: {circuit_breaker_key: \"tenant-${TENANT}\"}}\n", Map.of("TENANT", "42")).get(0);

    assertThat(d.policy().breakerKey()).contains("tenant-42");
  }

  @Test
  void aBadCircuitBreakerKeyNamesItsFieldAndValue() {
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {circuit_breaker_key: \"\"}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.circuit_breaker_key: must not be empty");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {circuit_breaker_key: \"" + "k".repeat(300) + "\"}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.circuit_breaker_key: must be 1 to 256 characters, got 300");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, policy: {circuit_breaker_key: [a, b]}}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").policy.circuit_breaker_key: must be a single value");
  }

  @Test
  void readsARunConditionDependenciesAndAnOnSuccessTrigger() {
    List<TaskDefinition> tasks = parse("""
        tasks:
          - id: extract
            handler: etl.extract
            cron: "0 2 * * *"
            condition: business-days
          - id: load
            handler: etl.load
            cron: "30 2 * * *"
            depends_on: [extract]
            dependency_window: 6h
            dependency_wait: 10m
          - id: report
            handler: etl.report
            on_success: load
        """, Map.of());
    assertThat(tasks.get(0).preconditions().condition().orElseThrow().value()).isEqualTo("business-days");
    var load = tasks.get(1).preconditions();
    assertThat(load.dependsOn()).extracting(t -> t.value()).containsExactly("extract");
    assertThat(load.window()).isEqualTo(Duration.ofHours(6));
    assertThat(load.waitFor()).isEqualTo(Duration.ofMinutes(10));
    assertThat(tasks.get(2).trigger()).isEqualTo(new Trigger.OnSuccess(new io.taskgrid.core.task.TaskId("load")));
  }

  @Test
  void badPreconditionsNameTheirField() {
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, depends_on: b}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").depends_on: must be a list of task ids");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, depends_on: [a]}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").depends_on: cycle a -> a");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, condition: \"no way\"}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").condition: ");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, cron: \"* * * * *\", on_success: b}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").trigger: set only one of");
    assertThatThrownBy(() -> parse("tasks:\n  - {id: a, handler: h, on_success: a}\n", Map.of()))
        .isInstanceOf(TasksFileException.class).hasMessageContaining("(id \"a\").trigger.on_success: cycle a -> a");
  }

  @Test
  void everyTasksFileInTheReadmeLoadsAndItsPoliciesReadAsDocumented() throws Exception {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("```yaml\n(tasks:\n.*?)```", java.util.regex.Pattern.DOTALL).matcher(readme);
    List<TaskDefinition> all = new java.util.ArrayList<>();
    while (m.find()) all.addAll(parse(m.group(1), Map.of()));

    assertThat(all).extracting(t -> t.id().value()).contains("nightly-report", "crm-sync");
    TaskDefinition d = all.stream().filter(t -> t.id().value().equals("crm-sync")).findFirst().orElseThrow();
    assertThat(d.policy().retry().orElseThrow().maxAttempts()).isEqualTo(5);
    assertThat(d.policy().concurrency()).contains(new ConcurrencyPolicy("crm-sync", 1, ConcurrencyPolicy.Overlap.SKIP,
        ConcurrencyPolicy.DEFAULT_MAX_QUEUED));
    assertThat(d.policy().rateLimit())
        .contains(new RateLimitPolicy("crm-api", 100, Duration.ofMinutes(1), RateLimitPolicy.Window.SLIDING, RateLimitPolicy.Excess.DELAY));
    assertThat(d.policy().breakerKey()).contains("crm-eu");
  }

  @Test
  void readsASideTaskWithItsRestartPolicyOrTheDefaults() {
    List<TaskDefinition> tasks = parse("""
        tasks:
          - id: inbox-watcher
            handler: inbox.watch
            side: {restart_initial_delay: 2s, restart_max_delay: 5m, restart_multiplier: 3}
          - id: cache-warmer
            handler: cache.warm
            side: true
          - id: plain
            handler: echo
            side: false
        """, Map.of());
    assertThat(tasks.get(0).side()).contains(new io.taskgrid.core.task.SideTask(Duration.ofSeconds(2), Duration.ofMinutes(5), 3));
    assertThat(tasks.get(0).trigger()).isInstanceOf(Trigger.OnDemand.class);
    assertThat(tasks.get(1).side()).contains(io.taskgrid.core.task.SideTask.DEFAULTS);
    assertThat(tasks.get(2).side()).isEmpty();
  }

  @Test
  void aSideTaskWithATriggerOrAnUnknownFieldIsRejectedNamingTheField() {
    assertThatThrownBy(() -> parse("""
        tasks:
          - id: watcher
            handler: inbox.watch
            cron: "* * * * *"
            side: true
        """, Map.of()))
        .isInstanceOf(TasksFileException.class)
        .hasMessageContaining("tasks[0] (id \"watcher\").side: a side task runs all the time and takes no trigger");
    assertThatThrownBy(() -> parse("""
        tasks:
          - id: watcher
            handler: inbox.watch
            side: {restart_delay: 1s}
        """, Map.of()))
        .isInstanceOf(TasksFileException.class)
        .hasMessageContaining("tasks[0] (id \"watcher\").side.restart_delay: is not a field here");
  }
}
