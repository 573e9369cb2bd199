package io.taskgrid.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryTest {
  @Test
  void isOffUnlessTheEnvironmentConfiguresAnExporterOrEnablesTheSdk() {
    assertThat(Telemetry.isConfigured(Map.of())).isFalse();
    assertThat(Telemetry.isConfigured(Map.of("OTEL_SERVICE_NAME", "x"))).isFalse();
    assertThat(Telemetry.isConfigured(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"))).isTrue();
    assertThat(Telemetry.isConfigured(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces"))).isTrue();
    assertThat(Telemetry.isConfigured(Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isTrue();
    assertThat(Telemetry.isConfigured(Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317"))).isFalse();
    assertThat(Telemetry.isConfigured(Map.of("OTEL_SDK_DISABLED", "false"))).isTrue();
    assertThat(Telemetry.isConfigured(Map.of("OTEL_SDK_DISABLED", "true", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317"))).isFalse();
  }

  @Test
  void offIsTheNoopInstanceThatTracesNothing() {
    Telemetry off = Telemetry.fromEnvironment("svc", Map.of());
    assertThat(off.openTelemetry()).isSameAs(OpenTelemetry.noop());
    assertThat(Telemetry.isTracing(off.openTelemetry())).isFalse();
    off.close();
  }

  @Test
  void aConfiguredEnvironmentGivesATracingSdkThatClosesOnceWhateverTheCalls() {
    Telemetry on = Telemetry.fromEnvironment("svc", Map.of("OTEL_SDK_DISABLED", "false"));
    assertThat(Telemetry.isTracing(on.openTelemetry())).isTrue();
    on.close();
    on.close();
  }

  @Test
  void aTraceContextSurvivesAStringMapWithTheW3cPropagator() {
    Telemetry sdk = Telemetry.fromEnvironment("svc", Map.of("OTEL_SDK_DISABLED", "false"));
    try {
      var span = sdk.openTelemetry().getTracer("t").spanBuilder("s").startSpan();
      Map<String, String> carrier = TraceContexts.inject(sdk.openTelemetry(), Context.root().with(span));
      assertThat(carrier.get("traceparent")).contains(span.getSpanContext().getTraceId()).contains(span.getSpanContext().getSpanId());
      var back = io.opentelemetry.api.trace.Span.fromContext(TraceContexts.extract(sdk.openTelemetry(), carrier)).getSpanContext();
      assertThat(back.getTraceId()).isEqualTo(span.getSpanContext().getTraceId());
      assertThat(back.isRemote()).isTrue();
      assertThat(TraceContexts.inject(OpenTelemetry.noop(), Context.root().with(span))).isEmpty();
      // not ended: nothing to export to the default endpoint, which no one listens on here
    } finally {
      sdk.close();
    }
  }
}
