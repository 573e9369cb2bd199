package io.taskgrid.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.breaker.BreakerId;
import io.taskgrid.core.breaker.BreakerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** A worker's instruments. Recording binds no attributes on the hot path. */
public final class WorkerMeters implements AutoCloseable {
  private static final List<String> HANDLER_OUTCOME = List.of("taskgrid.handler", "taskgrid.outcome");

  public static final MetricSpec ATTEMPTS = new MetricSpec("taskgrid.execution.attempts", MetricSpec.Kind.COUNTER, "{attempt}",
      HANDLER_OUTCOME, "Attempts that ended on this worker, by handler and outcome (`succeeded`, `failed`, `timeout`).");
  public static final MetricSpec ATTEMPT_DURATION = new MetricSpec("taskgrid.execution.attempt.duration", MetricSpec.Kind.HISTOGRAM, "s",
      HANDLER_OUTCOME, "From the start of an attempt's handler to its outcome.");
  public static final MetricSpec EXECUTION_DURATION = new MetricSpec("taskgrid.execution.duration", MetricSpec.Kind.HISTOGRAM, "s",
      HANDLER_OUTCOME, "End to end: from acceptance of the execution (for a scheduled fire, its due time) to the outcome of the attempt.");
  public static final MetricSpec START_DELAY = new MetricSpec("taskgrid.execution.start.delay", MetricSpec.Kind.HISTOGRAM, "s",
      List.of("taskgrid.handler"), "Submit to start: from acceptance (for a scheduled fire, its due time) to the start of the handler.");
  public static final MetricSpec RETRIES = new MetricSpec("taskgrid.execution.retries", MetricSpec.Kind.COUNTER, "{attempt}",
      List.of("taskgrid.handler"), "Attempts started after an execution's first (its earlier worker died or lost its claim).");
  public static final MetricSpec RUNNING = new MetricSpec("taskgrid.worker.handlers.running", MetricSpec.Kind.GAUGE, "{handler}",
      List.of(), "Handlers running on this worker now.");
  public static final MetricSpec QUEUE_LAG = new MetricSpec("taskgrid.worker.queue.lag", MetricSpec.Kind.GAUGE, "{message}",
      List.of("messaging.destination.name", "messaging.destination.partition.id"),
      "Messages of each partition assigned to this worker not yet fetched (end offset minus position), on the tasks topic of each priority.");

  public static final MetricSpec BREAKER_STATE = new MetricSpec("taskgrid.circuit_breaker.state", MetricSpec.Kind.GAUGE, "{state}",
      List.of("taskgrid.handler", "taskgrid.circuit_breaker.key", "state"),
      "1 for the state each circuit breaker of this worker is in (`closed`, `open`, `half_open`), 0 for the other two; the key is empty for a handler's own breaker.");
  public static final MetricSpec BREAKER_NOT_PERMITTED = new MetricSpec("taskgrid.circuit_breaker.not_permitted", MetricSpec.Kind.COUNTER,
      "{call}", List.of("taskgrid.handler", "taskgrid.circuit_breaker.key"),
      "Attempts that failed fast with `taskgrid.CircuitOpen` on this worker, without calling the handler.");

  /** Every worker metric, in README order (then {@link ClientCalls#REDIS}). */
  public static final List<MetricSpec> SPECS = List.of(ATTEMPTS, ATTEMPT_DURATION, EXECUTION_DURATION, START_DELAY, RETRIES, RUNNING, QUEUE_LAG,
      BREAKER_STATE, BREAKER_NOT_PERMITTED);

  private static final AttributeKey<String> TOPIC = AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
  private static final AttributeKey<String> BREAKER_KEY = AttributeKey.stringKey("taskgrid.circuit_breaker.key");
  private static final AttributeKey<String> STATE = AttributeKey.stringKey("state");
  private static final BreakerState[] BREAKER_STATES = BreakerState.values();

  private final Meter meter;
  private final HandlerAttributes handlers = new HandlerAttributes();
  private final LongCounter attempts;
  private final DoubleHistogram attemptDuration;
  private final DoubleHistogram executionDuration;
  private final DoubleHistogram startDelay;
  private final LongCounter retries;
  private final LongCounter notPermitted;
  private final Map<BreakerId, Attributes> breakers = new ConcurrentHashMap<>();
  private final ClientCalls calls;
  private final List<ObservableLongGauge> gauges = new ArrayList<>();

  public WorkerMeters(Meter meter) {
    this.meter = meter;
    this.attempts = counter(meter, ATTEMPTS);
    this.attemptDuration = ClientCalls.histogram(meter, ATTEMPT_DURATION);
    this.executionDuration = ClientCalls.histogram(meter, EXECUTION_DURATION);
    this.startDelay = ClientCalls.histogram(meter, START_DELAY);
    this.retries = counter(meter, RETRIES);
    this.notPermitted = counter(meter, BREAKER_NOT_PERMITTED);
    this.calls = new ClientCalls(meter);
  }

  static LongCounter counter(Meter meter, MetricSpec spec) {
    return meter.counterBuilder(spec.name()).setUnit(spec.unit()).setDescription(spec.doc()).build();
  }

  /** An attempt of {@code handler} started {@code delay} after its execution was accepted (or due). */
  public void started(String handler, int attempt, Duration delay) {
    HandlerAttributes.Bound b = handlers.of(handler);
    startDelay.record(seconds(delay), b.handler());
    if (attempt > 1) retries.add(1, b.handler());
  }

  /** An attempt of {@code handler} ended {@code status} after running {@code ran}, {@code total} after acceptance. */
  public void ended(String handler, ExecutionStatus status, Duration ran, Duration total) {
    Attributes a = handlers.of(handler).outcome(status);
    attempts.add(1, a);
    attemptDuration.record(seconds(ran), a);
    executionDuration.record(seconds(total), a);
  }

  /** Reports {@code running} as the handlers running now. */
  public void observeRunning(IntSupplier running) {
    gauges.add(meter.gaugeBuilder(RUNNING.name()).ofLongs().setUnit(RUNNING.unit()).setDescription(RUNNING.doc())
        .buildWithCallback(m -> m.record(running.getAsInt())));
  }

  /** Reports the lag of each partition that {@code lags} gives (topic to partition to lag), read at each collection. */
  public void observeQueueLag(Supplier<Map<String, Map<Integer, Long>>> lags) {
    gauges.add(meter.gaugeBuilder(QUEUE_LAG.name()).ofLongs().setUnit(QUEUE_LAG.unit()).setDescription(QUEUE_LAG.doc())
        .buildWithCallback(m -> lags.get().forEach((topic, partitions) -> partitions.forEach(
            (p, lag) -> m.record(lag, Attributes.of(TOPIC, topic, PARTITION, Integer.toString(p)))))));
  }

  /** Reports the state of each circuit breaker {@code states} gives, read at each collection. */
  public void observeBreakers(Supplier<Map<BreakerId, BreakerState>> states) {
    gauges.add(meter.gaugeBuilder(BREAKER_STATE.name()).ofLongs().setUnit(BREAKER_STATE.unit()).setDescription(BREAKER_STATE.doc())
        .buildWithCallback(m -> states.get().forEach((id, state) -> {
          Attributes base = breaker(id);
          for (BreakerState s : BREAKER_STATES) {
            m.record(s == state ? 1 : 0, base.toBuilder().put(STATE, s.name().toLowerCase(Locale.ROOT)).build());
          }
        })));
  }

  /** An attempt failed fast because breaker {@code id} was open. */
  public void notPermitted(BreakerId id) {
    notPermitted.add(1, breaker(id));
  }

  private Attributes breaker(BreakerId id) {
    return breakers.computeIfAbsent(id, b -> Attributes.of(HandlerAttributes.HANDLER, b.handler(), BREAKER_KEY, b.key()));
  }

  /** Timer of one Redis operation. */
  public CallTimer redis(String operation) {
    return calls.redis(operation);
  }

  private static double seconds(Duration d) {
    return d.isNegative() ? 0 : d.toNanos() / 1e9;
  }

  /** Stops the gauges' callbacks (they hold the worker's components). */
  @Override
  public void close() {
    gauges.forEach(ObservableLongGauge::close);
    gauges.clear();
  }
}
