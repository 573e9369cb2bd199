package io.taskgrid.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void pushesMetricsOverOtlpWhenAnEndpointIsConfigured() throws Exception {
    CountDownLatch received = new CountDownLatch(1);
    AtomicInteger bytes = new AtomicInteger();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/v1/metrics", exchange -> {
      bytes.set(exchange.getRequestBody().readAllBytes().length);
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
      received.countDown();
    });
    collector.start();
    try (Metrics metrics = Metrics.create("taskgrid-test", Map.of(
        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
        "OTEL_METRIC_EXPORT_INTERVAL", "100"))) {
      new WorkerMeters(metrics.meter()).started("echo", 1, Duration.ofMillis(5));

      assertThat(received.await(20, TimeUnit.SECONDS)).as("an OTLP export within 20 s").isTrue();
      assertThat(bytes.get()).isPositive();
      ByteArrayOutputStream scrape = new ByteArrayOutputStream();
      metrics.writePrometheus(scrape);
      assertThat(scrape.toString()).contains("taskgrid_execution_start_delay_seconds_count{taskgrid_handler=\"echo\"} 1");
    } finally {
      collector.stop(0);
    }
  }

  @Test
  void recordsNothingWhenNeitherScrapedNorExported() throws Exception {
    try (Metrics metrics = Metrics.forProcess("taskgrid-test", false, Map.of())) {
      new WorkerMeters(metrics.meter()).started("echo", 2, Duration.ofMillis(5));
      ByteArrayOutputStream scrape = new ByteArrayOutputStream();
      metrics.writePrometheus(scrape);

      assertThat(metrics.scrapable()).isFalse();
      assertThat(scrape.size()).isZero();
    }
  }

  @Test
  void aCheckIsRunAtMostOncePerTimeToLive() {
    AtomicInteger runs = new AtomicInteger();
    HealthCheck check = ((HealthCheck) () -> HealthCheck.Result.up("run " + runs.incrementAndGet())).cached(Duration.ofHours(1));

    check.check();
    HealthCheck.Result second = check.check();

    assertThat(runs).hasValue(1);
    assertThat(second.detail()).isEqualTo("run 1");
  }
}
