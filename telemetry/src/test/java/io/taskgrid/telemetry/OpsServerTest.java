package io.taskgrid.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.ExecutionStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpsServerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final Metrics metrics = Metrics.create("taskgrid-test", Map.of());
  private OpsServer server;

  @AfterEach
  void close() {
    if (server != null) server.close();
    metrics.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesRecordedMetricsInPrometheusTextFormatWithoutOtlp() throws Exception {
    WorkerMeters meters = new WorkerMeters(metrics.meter());
    meters.ended("echo", ExecutionStatus.SUCCEEDED, Duration.ofMillis(20), Duration.ofMillis(70));
    meters.ended("echo", ExecutionStatus.SUCCEEDED, Duration.ofMillis(30), Duration.ofMillis(80));
    meters.ended("echo", ExecutionStatus.TIMEOUT, Duration.ofSeconds(2), Duration.ofSeconds(3));
    meters.observeQueueLag(() -> Map.of("tasks", Map.of(0, 5L, 3, 0L)));
    meters.redis("claim").succeeded(System.nanoTime() - 2_000_000);
    server = OpsServer.start(0, "test", metrics, new Health(), new Health());

    HttpResponse<String> r = get("/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertThat(r.body())
        .contains("taskgrid_execution_attempts_total{taskgrid_handler=\"echo\",taskgrid_outcome=\"succeeded\"} 2.0")
        .contains("taskgrid_execution_attempts_total{taskgrid_handler=\"echo\",taskgrid_outcome=\"timeout\"} 1.0")
        .contains("taskgrid_execution_attempt_duration_seconds_count{taskgrid_handler=\"echo\",taskgrid_outcome=\"succeeded\"} 2")
        .contains("taskgrid_execution_attempt_duration_seconds_bucket{taskgrid_handler=\"echo\",taskgrid_outcome=\"succeeded\",le=\"0.025\"} 1")
        .contains("taskgrid_worker_queue_lag{messaging_destination_name=\"tasks\",messaging_destination_partition_id=\"0\"} 5.0")
        .contains("db_client_operation_duration_seconds_count{db_operation_name=\"claim\",db_system_name=\"redis\"} 1")
        .contains("service_name=\"taskgrid-test\"");
  }

  @Test
  void servesCoordinatorMetricsWithTheirTriggersAndTheLeaderGauge() throws Exception {
    CoordinatorMeters meters = new CoordinatorMeters(metrics.meter());
    meters.created("count", "api", 1);
    meters.created("count", "api", 2);
    meters.created("report", "cron", 1);
    meters.fired("cron", Duration.ofMillis(-150));
    meters.fired("cron", Duration.ofMillis(40));
    meters.observeLeader(() -> true);
    meters.kafkaSend("tasks").failed(System.nanoTime());
    server = OpsServer.start(0, "test", metrics, new Health(), new Health());

    String body = get("/metrics").body();

    assertThat(body)
        .contains("taskgrid_executions_enqueued_total{taskgrid_handler=\"count\",taskgrid_trigger=\"api\"} 3.0")
        .contains("taskgrid_executions_enqueued_total{taskgrid_handler=\"report\",taskgrid_trigger=\"cron\"} 1.0")
        .contains("taskgrid_schedule_fire_delay_seconds_bucket{taskgrid_trigger=\"cron\",le=\"0.001\"} 1")
        .contains("taskgrid_schedule_fire_delay_seconds_bucket{taskgrid_trigger=\"cron\",le=\"0.05\"} 2")
        .contains("taskgrid_schedule_leader 1.0")
        .contains("messaging_client_operation_duration_seconds_count{error_type=\"failed\",messaging_destination_name=\"tasks\","
            + "messaging_operation_name=\"send\",messaging_system=\"kafka\"} 1");
  }

  @Test
  void readinessIsServiceUnavailableWhileACheckIsDownAndNamesIt() throws Exception {
    AtomicBoolean redisUp = new AtomicBoolean(false);
    Health ready = new Health()
        .add("kafka", () -> HealthCheck.Result.up("1 broker"))
        .add("redis", () -> redisUp.get() ? HealthCheck.Result.up("") : HealthCheck.Result.down("connection refused"));
    server = OpsServer.start(0, "test", metrics, new Health().add("loops", () -> HealthCheck.Result.up("")), ready);

    HttpResponse<String> down = get("/health/ready");
    redisUp.set(true);
    HttpResponse<String> up = get("/health/ready");

    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body()).isEqualTo("{\"status\":\"DOWN\",\"checks\":{\"kafka\":{\"status\":\"UP\",\"detail\":\"1 broker\"},"
        + "\"redis\":{\"status\":\"DOWN\",\"detail\":\"connection refused\"}}}");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(get("/health/live").body()).isEqualTo("{\"status\":\"UP\",\"checks\":{\"loops\":{\"status\":\"UP\"}}}");
  }

  @Test
  void aCheckThatThrowsIsDownWithItsError() {
    Health.Report report = new Health().add("broken", () -> {
      throw new IllegalStateException("boom \"quoted\"");
    }).check();

    assertThat(report.up()).isFalse();
    assertThat(report.toJson()).contains("\"detail\":\"java.lang.IllegalStateException: boom \\\"quoted\\\"\"");
  }

  @Test
  void portSettingAcceptsOffAndZeroAndRejectsOutOfRange() {
    assertThat(OpsServer.HTTP_PORT.read(Map.of())).isEqualTo(OpsServer.OFF);
    assertThat(OpsServer.HTTP_PORT.read(Map.of("TASKGRID_HTTP_PORT", "0"))).isZero();
    assertThat(OpsServer.HTTP_PORT.read(Map.of("TASKGRID_HTTP_PORT", "9464"))).isEqualTo(9464);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpsServer.HTTP_PORT.read(Map.of("TASKGRID_HTTP_PORT", "70000")))
        .hasMessageContaining("TASKGRID_HTTP_PORT must be off or a port from 0 to 65535, got '70000'");
  }
}
