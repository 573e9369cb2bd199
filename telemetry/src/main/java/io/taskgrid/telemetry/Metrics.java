package io.taskgrid.telemetry;

import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The metrics of one process: an OpenTelemetry meter provider whose instruments can always be
 * scraped in Prometheus text format, and are also pushed over OTLP when {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT} (or {@code OTEL_EXPORTER_OTLP_METRICS_ENDPOINT}, or {@code
 * OTEL_METRICS_EXPORTER}) is set. Every other standard {@code OTEL_*} variable (resource
 * attributes, service name, headers, protocol, export interval) applies as documented by
 * OpenTelemetry. One per process (or per coordinator/worker in tests); closed with it.
 */
public final class Metrics implements AutoCloseable {
  /** Instrumentation scope of Taskgrid's own instruments. */
  public static final String SCOPE = "io.taskgrid";

  private final MeterProvider provider;
  private final Optional<PrometheusMetricReader> prometheus;
  private final Optional<OpenTelemetrySdk> sdk;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  private Metrics(MeterProvider provider, Optional<PrometheusMetricReader> prometheus, Optional<OpenTelemetrySdk> sdk) {
    this.provider = provider;
    this.prometheus = prometheus;
    this.sdk = sdk;
  }

  /**
   * Metrics for a process named {@code serviceName} (unless {@code OTEL_SERVICE_NAME} says
   * otherwise), configured from {@code env} (usually {@code System.getenv()}) over the real
   * environment.
   */
  public static Metrics create(String serviceName, Map<String, String> env) {
    PrometheusMetricReader reader = PrometheusMetricReader.builder().setOtelScopeLabelsEnabled(false).build();
    boolean otlp = env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT") || env.containsKey("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
    Map<String, String> overrides = new HashMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith("OTEL_")) overrides.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
    });
    if (!env.containsKey("OTEL_METRICS_EXPORTER")) overrides.put("otel.metrics.exporter", otlp ? "otlp" : "none");
    if (!env.containsKey("OTEL_SERVICE_NAME")) overrides.put("otel.service.name", serviceName);
    // this SDK only meters: spans and log records are the tracing setup's business
    overrides.put("otel.traces.exporter", "none");
    overrides.put("otel.logs.exporter", "none");
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesCustomizer(config -> overrides)
        .addMeterProviderCustomizer((builder, config) -> builder.registerMetricReader(reader))
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
    return new Metrics(sdk.getMeterProvider(), Optional.of(reader), Optional.of(sdk));
  }

  /**
   * What a process with ({@code scraped}) or without an HTTP endpoint needs: {@link #create} when
   * something reads the metrics (the endpoint, or OTLP configured in {@code env}), else {@link #noop}.
   */
  public static Metrics forProcess(String serviceName, boolean scraped, Map<String, String> env) {
    boolean exported = env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT") || env.containsKey("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
        || env.containsKey("OTEL_METRICS_EXPORTER");
    return scraped || exported ? create(serviceName, env) : noop();
  }

  /** Metrics that record nothing: no scrape endpoint, no export. */
  public static Metrics noop() {
    return new Metrics(MeterProvider.noop(), Optional.empty(), Optional.empty());
  }

  /** Taskgrid's meter. */
  public Meter meter() {
    return provider.get(SCOPE);
  }

  /** The provider, for instrumentation libraries that take one. */
  public MeterProvider meterProvider() {
    return provider;
  }

  /** Whether {@link #writePrometheus} has anything to write. */
  public boolean scrapable() {
    return prometheus.isPresent();
  }

  public String prometheusContentType() {
    return writer.getContentType();
  }

  /** Writes every metric's current value in Prometheus text format. */
  public void writePrometheus(OutputStream out) throws IOException {
    if (prometheus.isEmpty()) return;
    writer.write(out, prometheus.get().collect(), EscapingScheme.UNDERSCORE_ESCAPING);
  }

  /** Pushes what is pending over OTLP (if configured) and stops. */
  @Override
  public void close() {
    sdk.ifPresent(s -> s.shutdown().join(5, TimeUnit.SECONDS));
  }
}
