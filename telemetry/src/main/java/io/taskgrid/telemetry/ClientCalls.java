package io.taskgrid.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

/**
 * Latency of calls to Redis and Kafka, under OpenTelemetry's semantic-convention names for
 * database and messaging clients.
 */
public final class ClientCalls {
  public static final MetricSpec REDIS = new MetricSpec("db.client.operation.duration", MetricSpec.Kind.HISTOGRAM, "s",
      List.of("db.system.name", "db.operation.name", "error.type"),
      "Redis calls, by operation: the Lua script (`claim`, `renew` on workers; `insert`, `read`, `record_outcomes`, `remove` on coordinators); `error_type` is set when the call failed.");
  public static final MetricSpec KAFKA = new MetricSpec("messaging.client.operation.duration", MetricSpec.Kind.HISTOGRAM, "s",
      List.of("messaging.system", "messaging.operation.name", "messaging.destination.name", "error.type"),
      "Kafka sends of a coordinator (task messages, published events) until acknowledged by all in-sync replicas, by topic.");

  private final DoubleHistogram redis;
  private final DoubleHistogram kafka;

  public ClientCalls(Meter meter) {
    this.redis = histogram(meter, REDIS);
    this.kafka = histogram(meter, KAFKA);
  }

  /** A timer for one Redis operation. */
  public CallTimer redis(String operation) {
    return new CallTimer(redis, Attributes.builder().put("db.system.name", "redis").put("db.operation.name", operation).build());
  }

  /** A timer for sends to one Kafka topic. */
  public CallTimer kafkaSend(String topic) {
    return new CallTimer(kafka, Attributes.builder().put("messaging.system", "kafka").put("messaging.operation.name", "send")
        .put("messaging.destination.name", topic).build());
  }

  static DoubleHistogram histogram(Meter meter, MetricSpec spec) {
    return meter.histogramBuilder(spec.name()).setUnit(spec.unit()).setDescription(spec.doc())
        .setExplicitBucketBoundariesAdvice(spec.name().startsWith("taskgrid.") ? Buckets.TASKS : Buckets.CALLS).build();
  }
}
