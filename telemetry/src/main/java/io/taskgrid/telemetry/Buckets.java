package io.taskgrid.telemetry;

import java.util.List;

/** Histogram bucket boundaries, in seconds. */
final class Buckets {
  private Buckets() {}

  /** Calls to Redis and Kafka: half a millisecond to ten seconds. */
  static final List<Double> CALLS = List.of(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

  /** Handlers, queueing and end-to-end times: a millisecond to an hour. */
  static final List<Double> TASKS = List.of(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
      120.0, 300.0, 600.0, 1800.0, 3600.0);
}
