package io.taskgrid.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/** A coordinator's instruments. Recording binds no attributes on the hot path. */
public final class CoordinatorMeters implements AutoCloseable {
  public static final MetricSpec CREATED = new MetricSpec("taskgrid.executions.enqueued", MetricSpec.Kind.COUNTER, "{execution}",
      List.of("taskgrid.handler", "taskgrid.trigger"),
      "Executions this coordinator created and queued on Kafka, by handler and trigger (`api`, `run_now`, `cron`, `after`, `at`, `event`); a submission whose idempotency key was taken creates none.");
  public static final MetricSpec FIRE_DELAY = new MetricSpec("taskgrid.schedule.fire.delay", MetricSpec.Kind.HISTOGRAM, "s",
      List.of("taskgrid.trigger"),
      "How late the leader wrote each fire: commit of its Kafka transaction minus its due time (fire time plus jitter; for an event, its publication); 0 when written ahead, as usual.");
  public static final MetricSpec LEADER = new MetricSpec("taskgrid.schedule.leader", MetricSpec.Kind.GAUGE, "",
      List.of(), "1 while this coordinator leads scheduling, else 0.");
  public static final MetricSpec WATCHED = new MetricSpec("taskgrid.watch.executions", MetricSpec.Kind.GAUGE, "{execution}",
      List.of(), "Executions this coordinator's clients are watching now.");

  /** Every coordinator metric, in README order (then {@link ClientCalls#REDIS} and {@link ClientCalls#KAFKA}). */
  public static final List<MetricSpec> SPECS = List.of(CREATED, FIRE_DELAY, LEADER, WATCHED);

  private static final AttributeKey<String> TRIGGER = AttributeKey.stringKey("taskgrid.trigger");

  private final Meter meter;
  private final LongCounter created;
  private final DoubleHistogram fireDelay;
  private final ClientCalls calls;
  private final Map<String, Attributes> triggers = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Attributes>> createdAttributes = new ConcurrentHashMap<>();
  private final HandlerAttributes handlers = new HandlerAttributes();
  private final List<ObservableLongGauge> gauges = new ArrayList<>();

  public CoordinatorMeters(Meter meter) {
    this.meter = meter;
    this.created = WorkerMeters.counter(meter, CREATED);
    this.fireDelay = ClientCalls.histogram(meter, FIRE_DELAY);
    this.calls = new ClientCalls(meter);
  }

  /** {@code count} executions of {@code handler} were created by {@code trigger}. */
  public void created(String handler, String trigger, int count) {
    Map<String, Attributes> byHandler = createdAttributes.computeIfAbsent(trigger, t -> new ConcurrentHashMap<>());
    Attributes a = byHandler.get(handler);
    if (a == null) {
      Attributes base = handlers.of(handler).handler();
      a = byHandler.computeIfAbsent(base.get(HandlerAttributes.HANDLER), h -> base.toBuilder().put(TRIGGER, trigger).build());
    }
    created.add(count, a);
  }

  /** A fire of {@code trigger} was committed {@code late} after its due time (negative: ahead of it). */
  public void fired(String trigger, Duration late) {
    fireDelay.record(late.isNegative() ? 0 : late.toNanos() / 1e9, triggers.computeIfAbsent(trigger, t -> Attributes.of(TRIGGER, t)));
  }

  public void observeLeader(BooleanSupplier leading) {
    gauges.add(meter.gaugeBuilder(LEADER.name()).ofLongs().setUnit(LEADER.unit()).setDescription(LEADER.doc())
        .buildWithCallback(m -> m.record(leading.getAsBoolean() ? 1 : 0)));
  }

  public void observeWatched(IntSupplier watched) {
    gauges.add(meter.gaugeBuilder(WATCHED.name()).ofLongs().setUnit(WATCHED.unit()).setDescription(WATCHED.doc())
        .buildWithCallback(m -> m.record(watched.getAsInt())));
  }

  public CallTimer redis(String operation) {
    return calls.redis(operation);
  }

  public CallTimer kafkaSend(String topic) {
    return calls.kafkaSend(topic);
  }

  @Override
  public void close() {
    gauges.forEach(ObservableLongGauge::close);
    gauges.clear();
  }
}
