package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.embedded.RedisProcess;
import io.taskgrid.worker.Worker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operations endpoints of a coordinator and a worker against real Kafka and Redis: the
 * Prometheus scrape after known work, and readiness following Redis down and back.
 */
class MetricsAndHealthIT {
  private final TestCluster cluster = new TestCluster();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ConcurrentLinkedQueue<String> scheduledRuns = new ConcurrentLinkedQueue<>();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private Coordinator coordinator() {
    return cluster.coordinator(cluster.coordinatorConfig(0).withHttpPort(0));
  }

  private Worker worker(Coordinator coordinator) {
    return cluster.worker(cluster.workerConfig(List.of(TestCluster.address(coordinator))).withHttpPort(0), b -> b
        .handler("count", ctx -> "ran " + ctx.payloadText())
        .handler("explode", ctx -> {
          throw new IllegalStateException("on purpose");
        })
        .handler("stall", ctx -> {
          Thread.sleep(60_000);
          return "never";
        })
        .handler("scheduled", ctx -> {
          scheduledRuns.add(ctx.executionId());
          return null;
        }));
  }

  @Test
  void prometheusScrapesShowTheExecutionsByHandlerAndOutcomeAfterKnownWork() throws Exception {
    Coordinator coordinator = coordinator();
    Worker worker = worker(coordinator);
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());
    List<TaskHandle> handles = new ArrayList<>();
    for (int i = 0; i < 3; i++) handles.add(client.submit(TaskRequest.builder("count").payloadText("n" + i).build()));
    for (int i = 0; i < 2; i++) handles.add(client.submit(TaskRequest.builder("explode").build()));
    handles.add(client.submit(TaskRequest.builder("stall").timeout(Duration.ofMillis(300)).build()));
    client.tasks().create(TaskDefinition.builder("once", "scheduled").after("1s").build());

    List<ExecutionStatus> statuses = handles.stream().map(h -> h.await(Duration.ofSeconds(30))).map(ExecutionInfo::status).toList();
    await().atMost(Duration.ofSeconds(30)).until(() -> scheduledRuns.size() == 1);

    assertThat(statuses).containsExactly(ExecutionStatus.SUCCEEDED, ExecutionStatus.SUCCEEDED, ExecutionStatus.SUCCEEDED,
        ExecutionStatus.FAILED, ExecutionStatus.FAILED, ExecutionStatus.TIMEOUT);
    String w = "http://127.0.0.1:" + worker.httpPort().getAsInt();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String scrape = get(w + "/metrics").body();
      assertThat(value(scrape, "taskgrid_execution_attempts_total{taskgrid_handler=\"count\",taskgrid_outcome=\"succeeded\"}")).hasValue(3.0);
      assertThat(value(scrape, "taskgrid_execution_attempts_total{taskgrid_handler=\"explode\",taskgrid_outcome=\"failed\"}")).hasValue(2.0);
      assertThat(value(scrape, "taskgrid_execution_attempts_total{taskgrid_handler=\"stall\",taskgrid_outcome=\"timeout\"}")).hasValue(1.0);
      assertThat(value(scrape, "taskgrid_execution_attempts_total{taskgrid_handler=\"scheduled\",taskgrid_outcome=\"succeeded\"}")).hasValue(1.0);
      assertThat(value(scrape, "taskgrid_execution_attempt_duration_seconds_count{taskgrid_handler=\"count\",taskgrid_outcome=\"succeeded\"}")).hasValue(3.0);
      assertThat(value(scrape, "taskgrid_execution_duration_seconds_count{taskgrid_handler=\"stall\",taskgrid_outcome=\"timeout\"}")).hasValue(1.0);
      // the stalled handler ran until its 300 ms timeout (the timer may fire a hair early on the wall clock), not a minute
      assertThat(value(scrape, "taskgrid_execution_attempt_duration_seconds_sum{taskgrid_handler=\"stall\",taskgrid_outcome=\"timeout\"}"))
          .hasValueSatisfying(s -> assertThat(s).isBetween(0.25, 60.0));
      assertThat(value(scrape, "taskgrid_execution_attempt_duration_seconds_bucket{taskgrid_handler=\"stall\",taskgrid_outcome=\"timeout\",le=\"0.1\"}"))
          .hasValue(0.0);
      assertThat(value(scrape, "taskgrid_execution_start_delay_seconds_count{taskgrid_handler=\"count\"}")).hasValue(3.0);
      assertThat(value(scrape, "taskgrid_execution_retries_total{taskgrid_handler=\"count\"}")).isEmpty();
      assertThat(value(scrape, "taskgrid_worker_handlers_running")).hasValue(0.0);
      assertThat(value(scrape, "db_client_operation_duration_seconds_count{db_operation_name=\"claim\",db_system_name=\"redis\"}"))
          .hasValueSatisfying(n -> assertThat(n).isBetween(1.0, 7.0));
      List<String> lags = scrape.lines().filter(l -> l.startsWith("taskgrid_worker_queue_lag{messaging_destination_name=\"" + cluster.topic() + "\"")).toList();
      assertThat(lags).isNotEmpty().allSatisfy(l -> assertThat(l).endsWith(" 0.0"));
    });

    String c = "http://127.0.0.1:" + coordinator.httpPort().getAsInt();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String scrape = get(c + "/metrics").body();
      assertThat(value(scrape, "taskgrid_executions_enqueued_total{taskgrid_handler=\"count\",taskgrid_trigger=\"api\"}")).hasValue(3.0);
      assertThat(value(scrape, "taskgrid_executions_enqueued_total{taskgrid_handler=\"explode\",taskgrid_trigger=\"api\"}")).hasValue(2.0);
      assertThat(value(scrape, "taskgrid_executions_enqueued_total{taskgrid_handler=\"scheduled\",taskgrid_trigger=\"after\"}")).hasValue(1.0);
      assertThat(value(scrape, "taskgrid_schedule_fire_delay_seconds_count{taskgrid_trigger=\"after\"}")).hasValue(1.0);
      assertThat(value(scrape, "messaging_client_operation_duration_seconds_count{messaging_destination_name=\"" + cluster.topic()
          + "\",messaging_operation_name=\"send\",messaging_system=\"kafka\"}")).hasValue(6.0);
      assertThat(value(scrape, "db_client_operation_duration_seconds_count{db_operation_name=\"insert\",db_system_name=\"redis\"}")).isPresent();
      assertThat(value(scrape, "db_client_operation_duration_seconds_count{db_operation_name=\"record_outcomes\",db_system_name=\"redis\"}")).isPresent();
      assertThat(value(scrape, "taskgrid_schedule_leader")).hasValue(1.0);
    });
    // for the record in the test log: what an operator sees
    get(w + "/metrics").body().lines().filter(l -> l.startsWith("taskgrid_") && !l.contains("_bucket")).forEach(System.out::println);
    get(c + "/metrics").body().lines().filter(l -> !l.startsWith("#") && !l.contains("_bucket")).forEach(System.out::println);
  }

  @Test
  void readinessIsDownWhileRedisIsKilledAndUpAgainAfterItRestartsWhileLivenessStaysUp() throws Exception {
    RedisProcess redis = cluster.own(RedisProcess.start(false));
    cluster.redis(redis.redisUrl());
    Coordinator coordinator = coordinator();
    Worker worker = worker(coordinator);
    List<String> endpoints = List.of("http://127.0.0.1:" + coordinator.httpPort().getAsInt(), "http://127.0.0.1:" + worker.httpPort().getAsInt());

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (String e : endpoints) assertThat(get(e + "/health/ready").statusCode()).isEqualTo(200);
    });
    assertThat(get(endpoints.get(0) + "/health/ready").body()).contains("\"kafka\":{\"status\":\"UP\"", "\"redis\":{\"status\":\"UP\"");

    redis.kill();

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (String e : endpoints) {
        HttpResponse<String> r = get(e + "/health/ready");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).startsWith("{\"status\":\"DOWN\"").contains("\"redis\":{\"status\":\"DOWN\"", "\"kafka\":{\"status\":\"UP\"");
        assertThat(get(e + "/health/live").statusCode()).isEqualTo(200);
      }
    });

    redis.restart();

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      for (String e : endpoints) assertThat(get(e + "/health/ready").statusCode()).isEqualTo(200);
    });
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The value of one series in a Prometheus text scrape, if present. */
  private static Optional<Double> value(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
        .findFirst();
  }
}
