package io.taskgrid.worker.internal.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.taskgrid.core.breaker.BreakerId;
import io.taskgrid.core.breaker.BreakerState;
import io.taskgrid.core.breaker.BreakerTransition;
import io.taskgrid.core.breaker.SharedBreaker;
import io.taskgrid.core.breaker.SharedBreakers;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.telemetry.WorkerMeters;
import io.taskgrid.worker.CircuitBreakerOptions;
import io.taskgrid.worker.HandlerOptions;
import io.taskgrid.worker.TaskHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's circuit breakers: one Resilience4j breaker per handler that has {@link
 * CircuitBreakerOptions} (and per {@code circuit_breaker_key} of its executions), from one
 * registry. Their transitions are published to the cluster ({@link SharedBreakers}) and the other
 * workers' are followed ({@link BreakerSync}). A handler without options has no breaker and costs
 * nothing.
 */
public final class Breakers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Breakers.class);
  private static final char US = '\u001f';
  private static final Duration FLUSH_EVERY = Duration.ofSeconds(1);

  /** One breaker with what the worker keeps beside it. */
  private record Entry(BreakerId id, CircuitBreaker breaker, CircuitBreakerOptions options, LongAdder notPermitted,
      java.util.concurrent.atomic.AtomicReference<Instant> since) {}

  private final Function<String, HandlerOptions> options;
  private final SharedBreakers shared;
  private final String workerId;
  private final Clock clock;
  private final WorkerMeters meters;
  private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
  private final Map<String, CircuitBreakerConfig> configs = new ConcurrentHashMap<>();
  private final Map<BreakerId, Entry> breakers = new ConcurrentHashMap<>();
  /** Set while this thread applies another worker's transition, whose events must not be published again. */
  private final ThreadLocal<Boolean> applyingRemote = ThreadLocal.withInitial(() -> false);
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("tg-worker-breakers").daemon().unstarted(r));
  private SharedBreakers.Subscription subscription;

  /** @param options a handler's options by name */
  public Breakers(Function<String, HandlerOptions> options, SharedBreakers shared, String workerId, Clock clock, WorkerMeters meters) {
    this.options = options;
    this.shared = shared;
    this.workerId = workerId;
    this.clock = clock;
    this.meters = meters;
  }

  /**
   * Follows the other workers' transitions, and opens the breakers the cluster has open now, so a
   * new worker does not call a handler whose breaker is open elsewhere.
   */
  public Breakers start() {
    subscription = shared.subscribe(this::onRemote);
    try {
      for (SharedBreaker b : shared.list()) apply(b.last(), false);
    } catch (RuntimeException e) {
      log.warn("Cannot read the cluster's circuit breakers; starting with all closed: {}", e.toString());
    }
    meters.observeBreakers(this::states);
    long every = FLUSH_EVERY.toMillis();
    executor.scheduleWithFixedDelay(this::flush, every, every, TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * {@code handler} guarded by the breaker of {@code message}'s handler and key: it throws {@link
   * CircuitOpenException} without calling the handler while the breaker is open, and records the
   * call's outcome and duration otherwise. {@code handler} itself when the handler has no breaker.
   */
  public TaskHandler guard(TaskMessage message, TaskHandler handler) {
    HandlerOptions handlerOptions = options.apply(message.getHandler());
    if (handlerOptions.circuitBreaker().isEmpty()) return handler;
    String key = message.getPolicy().getCircuitBreakerKey();
    if (key.isEmpty()) key = handlerOptions.defaults().breakerKey().orElse("");
    Entry e = entry(new BreakerId(message.getHandler(), key)).orElseThrow();
    return ctx -> {
      if (!e.breaker().tryAcquirePermission()) {
        e.notPermitted().increment();
        meters.notPermitted(e.id());
        throw new CircuitOpenException("circuit breaker of " + e.id() + " is " + state(e.breaker().getState())
            + " on worker " + workerId + "; the handler was not called");
      }
      long start = e.breaker().getCurrentTimestamp();
      try {
        Object result = handler.handle(ctx);
        e.breaker().onSuccess(e.breaker().getCurrentTimestamp() - start, e.breaker().getTimestampUnit());
        return result;
      } catch (Throwable t) {
        if (e.options().countsAsFailure(t)) {
          e.breaker().onError(e.breaker().getCurrentTimestamp() - start, e.breaker().getTimestampUnit(), t);
        } else {
          e.breaker().releasePermission();
        }
        throw t;
      }
    };
  }

  private Optional<Entry> entry(BreakerId id) {
    Optional<CircuitBreakerOptions> o = options.apply(id.handler()).circuitBreaker();
    if (o.isEmpty()) return Optional.empty();
    return Optional.of(breakers.computeIfAbsent(id, i -> {
      CircuitBreaker cb = registry.circuitBreaker(i.handler() + US + i.key(), configs.computeIfAbsent(i.handler(), h -> config(o.get())));
      Entry e = new Entry(i, cb, o.get(), new LongAdder(), new java.util.concurrent.atomic.AtomicReference<>(Instant.EPOCH));
      cb.getEventPublisher().onStateTransition(ev -> onLocalTransition(e, ev));
      return e;
    }));
  }

  private CircuitBreakerConfig config(CircuitBreakerOptions o) {
    return CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(o.slidingWindowSize())
        .minimumNumberOfCalls(o.minimumNumberOfCalls())
        .failureRateThreshold(o.failureRateThreshold())
        .slowCallRateThreshold(o.slowCallRateThreshold())
        .slowCallDurationThreshold(o.slowCallDuration())
        .waitDurationInOpenState(o.waitInOpenState())
        .permittedNumberOfCallsInHalfOpenState(o.permittedCallsInHalfOpenState())
        // which errors count is decided by CircuitBreakerOptions.countsAsFailure before onError
        .recordException(t -> true)
        .clock(clock)
        .build();
  }

  private void onLocalTransition(Entry e, CircuitBreakerOnStateTransitionEvent ev) {
    Instant now = clock.instant();
    e.since().set(now);
    BreakerState to = state(ev.getStateTransition().getToState());
    if (applyingRemote.get()) {
      log.info("Circuit breaker of {} is {} on worker {}, following the cluster", e.id(), to, workerId);
      return;
    }
    BreakerTransition t = new BreakerTransition(e.id(), to, now, workerId, e.breaker().getMetrics().getFailureRate(),
        e.breaker().getMetrics().getSlowCallRate());
    log.info("Circuit breaker of {} is {} on worker {} (failure rate {}%, slow-call rate {}%)", e.id(), to, workerId,
        t.failureRate(), t.slowCallRate());
    executor.execute(() -> {
      try {
        shared.publish(t);
      } catch (RuntimeException x) {
        log.warn("Cannot tell the cluster that the circuit breaker of {} is {}: {}", e.id(), to, x.toString());
      }
    });
  }

  private void onRemote(BreakerTransition t) {
    apply(t, t.workerId().equals(workerId));
  }

  private void apply(BreakerTransition t, boolean fromSelf) {
    Optional<Entry> entry = entry(t.id());
    if (entry.isEmpty()) return; // this worker has no breaker for that handler
    Entry e = entry.get();
    BreakerSync.Action action = BreakerSync.onRemote(t, fromSelf, state(e.breaker().getState()), e.since().get(),
        e.options().waitInOpenState(), clock.instant());
    applyingRemote.set(true);
    try {
      switch (action) {
        case BreakerSync.Action.Ignore i -> log.debug("Circuit breaker transition {} ignored: {}", t, i.why());
        case BreakerSync.Action.OpenUntil o -> e.breaker().transitionToOpenStateUntil(o.until());
        case BreakerSync.Action.Close c -> e.breaker().transitionToClosedState();
      }
    } catch (IllegalStateTransitionException x) {
      log.debug("Circuit breaker transition {} not applied: the local breaker changed meanwhile ({})", t, x.getMessage());
    } finally {
      applyingRemote.remove();
    }
  }

  static BreakerState state(CircuitBreaker.State s) {
    return switch (s) {
      case CLOSED, DISABLED, METRICS_ONLY -> BreakerState.CLOSED;
      case OPEN, FORCED_OPEN -> BreakerState.OPEN;
      case HALF_OPEN -> BreakerState.HALF_OPEN;
    };
  }

  /** Each breaker's state now. */
  public Map<BreakerId, BreakerState> states() {
    Map<BreakerId, BreakerState> states = new HashMap<>();
    breakers.forEach((id, e) -> states.put(id, state(e.breaker().getState())));
    return states;
  }

  private void flush() {
    Map<BreakerId, Long> counts = new HashMap<>();
    breakers.forEach((id, e) -> {
      long n = e.notPermitted().sumThenReset();
      if (n > 0) counts.put(id, n);
    });
    try {
      shared.addNotPermitted(counts);
    } catch (RuntimeException x) {
      counts.forEach((id, n) -> breakers.get(id).notPermitted().add(n)); // next time
      log.warn("Cannot count calls not permitted by circuit breakers: {}", x.toString());
    }
  }

  /** Stops following the cluster and writes the last counts. Idempotent. */
  @Override
  public void close() {
    if (subscription != null) subscription.close();
    executor.shutdown();
    try {
      if (executor.awaitTermination(2, TimeUnit.SECONDS)) flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
  }
}
