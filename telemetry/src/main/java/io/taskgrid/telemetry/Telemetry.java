package io.taskgrid.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The OpenTelemetry instance of one process, and its shutdown. Configured the standard way, by the
 * SDK's autoconfigure module ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_SERVICE_NAME},
 * {@code OTEL_TRACES_SAMPLER}, ...), and off unless configured: then it is {@link
 * OpenTelemetry#noop()}, whose spans cost nothing. Never registered as the global instance.
 */
public final class Telemetry implements AutoCloseable {
  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Telemetry(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
  }

  /** Configured by this process's environment variables and system properties. */
  public static Telemetry fromEnvironment(String serviceName) {
    return fromEnvironment(serviceName, System.getenv());
  }

  /**
   * Configured by the SDK's autoconfigure module when {@code env} asks for it ({@link
   * #isConfigured}), otherwise off. {@code serviceName} applies unless {@code OTEL_SERVICE_NAME}
   * says otherwise. Metrics and logs are not exported over OTLP unless their {@code
   * OTEL_*_EXPORTER} asks for it: traces are what this turns on.
   */
  public static Telemetry fromEnvironment(String serviceName, Map<String, String> env) {
    if (!isConfigured(env)) return off();
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> Map.of(
            "otel.service.name", serviceName,
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none"))
        .disableShutdownHook() // closed in order by the process, after its components flushed their spans
        .build()
        .getOpenTelemetrySdk();
    return new Telemetry(sdk, sdk);
  }

  /**
   * Whether {@code env} configures OpenTelemetry: an OTLP endpoint, a traces exporter other than
   * {@code none}, or {@code OTEL_SDK_DISABLED=false}; and not {@code OTEL_SDK_DISABLED=true}.
   */
  public static boolean isConfigured(Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED"))) return false;
    if ("false".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED"))) return true;
    String exporter = env.get("OTEL_TRACES_EXPORTER");
    if (exporter != null && !exporter.isBlank()) return !exporter.trim().equalsIgnoreCase("none");
    return present(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")) || present(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
  }

  private static boolean present(String v) {
    return v != null && !v.isBlank();
  }

  /** Telemetry that is off. */
  public static Telemetry off() {
    return new Telemetry(OpenTelemetry.noop(), null);
  }

  /** Telemetry of an instance the caller built and closes itself (tests: an SDK with an in-memory exporter). */
  public static Telemetry of(OpenTelemetry openTelemetry) {
    return new Telemetry(openTelemetry, null);
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** Whether spans are recorded at all; when false, no tracing code needs to run. */
  public static boolean isTracing(OpenTelemetry openTelemetry) {
    return openTelemetry.getTracerProvider() != TracerProvider.noop();
  }

  /** Flushes what is buffered and shuts the SDK down, waiting up to 10 s. Safe to call more than once. */
  @Override
  public void close() {
    if (sdk == null || !closed.compareAndSet(false, true)) return;
    sdk.shutdown().join(10, TimeUnit.SECONDS);
  }
}
