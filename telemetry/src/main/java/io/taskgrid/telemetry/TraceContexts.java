package io.taskgrid.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.Map;

/**
 * A trace context as a string map ({@code traceparent}, {@code tracestate}), the form it takes in
 * task messages and outcomes, written and read by the OpenTelemetry instance's own propagators
 * (W3C trace context unless {@code OTEL_PROPAGATORS} says otherwise).
 */
public final class TraceContexts {
  private static final TextMapSetter<Map<String, String>> SETTER = (carrier, key, value) -> carrier.put(key, value);
  private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private TraceContexts() {}

  /** {@code context} as a map; empty when tracing is off or nothing is being traced. */
  public static Map<String, String> inject(OpenTelemetry openTelemetry, Context context) {
    Map<String, String> carrier = new HashMap<>(4);
    openTelemetry.getPropagators().getTextMapPropagator().inject(context, carrier, SETTER);
    return carrier;
  }

  /** The context a map holds, under {@code Context.root()}; the root when it holds none. */
  public static Context extract(OpenTelemetry openTelemetry, Map<String, String> carrier) {
    if (carrier.isEmpty()) return Context.root();
    return openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), carrier, GETTER);
  }
}
