package io.taskgrid.coordinator.internal.schedule;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Reads a trace context from a Kafka record's headers with the OpenTelemetry instance's propagators. */
final class KafkaHeaders {
  private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Headers carrier) {
      List<String> keys = new ArrayList<>();
      for (Header h : carrier) keys.add(h.key());
      return keys;
    }

    @Override
    public String get(Headers carrier, String key) {
      Header h = carrier == null ? null : carrier.lastHeader(key);
      return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
  };

  private KafkaHeaders() {}

  /** The context in {@code headers}; the root context when they carry none. */
  static Context extract(OpenTelemetry openTelemetry, Headers headers) {
    return openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), headers, GETTER);
  }
}
