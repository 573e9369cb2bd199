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
import io.taskgrid.telemetry.WorkerMeters;
import io.taskgrid.worker.CircuitBreakerOptions;
import io.taskgrid.worker.HandlerOptions;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.internal.ResolvedPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * <p>Keyed breakers (one per tenant, host...) come and go with their keys, so they are dropped
 * when closed and unused for {@code idleExpiry}, and when there are more than {@code maxKeyed},
 * the least recently used closed ones are dropped down to nine tenths of it. A dropped breaker
 * starts again closed if its key comes back. Their shared state is kept alive while they are used
 * ({@link SharedBreakers#touch}) and expires in the store otherwise. A handler's own breaker is
 * never dropped.
 */
public final class Breakers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Breakers.class);
  private static final char US = '\u001f';
  private static final Duration FLUSH_EVERY = Duration.ofSeconds(1);

  /**
   * One breaker with what the worker keeps beside it.
   *
   * @param lastUsed when a call last asked it (epoch ms)
   * @param touched when its use was last told to the cluster (epoch ms; touched by the flush thread only)
   */
  private record Entry(BreakerId id, CircuitBreaker breaker, CircuitBreakerOptions options, LongAdder notPermitted,
      java.util.concurrent.atomic.AtomicReference<Instant> since, AtomicLong lastUsed, AtomicLong touched) {
    boolean keyed() {
      return !id.key().isEmpty();
    }
  }

  private final Function<String, HandlerOptions> options;
  private final SharedBreakers shared;
  private final String workerId;
  private final Clock clock;
  private final WorkerMeters meters;
  private final Duration idleExpiry;
  private final int maxKeyed;
  private final AtomicInteger keyedCount = new AtomicInteger();
  /** Held while dropping breakers over the cap, so two calls do not both drop. */
  private final Object dropping = new Object();
  private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
  private final Map<String, CircuitBreakerConfig> configs = new ConcurrentHashMap<>();
  private final Map<BreakerId, Entry> breakers = new ConcurrentHashMap<>();
  /** Set while this thread applies another worker's transition, whose events must not be published again. */
  private final ThreadLocal<Boolean> applyingRemote = ThreadLocal.withInitial(() -> false);
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("tg-worker-breakers").daemon().unstarted(r));
  private SharedBreakers.Subscription subscription;

  /**
   * @param options a handler's options by name
   * @param idleExpiry how long a closed keyed breaker stays unused before it is dropped
   * @param maxKeyed most keyed breakers kept
   */
  public Breakers(Function<String, HandlerOptions> options, SharedBreakers shared, String workerId, Clock clock, WorkerMeters meters,
      Duration idleExpiry, int maxKeyed) {
    if (idleExpiry.isNegative() || idleExpiry.isZero()) throw new IllegalArgumentException("idleExpiry must be positive, got " + idleExpiry);
    if (maxKeyed < 1) throw new IllegalArgumentException("maxKeyed must be positive, got " + maxKeyed);
    this.idleExpiry = idleExpiry;
    this.maxKeyed = maxKeyed;
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
   * {@code handler} guarded by the breaker of handler {@code handlerName} and the key of {@code
   * policy} (the execution's, over the handler's defaults): it throws {@link CircuitOpenException}
   * without calling the handler while the breaker is open, and records the call's outcome and
   * duration otherwise. {@code handler} itself when the handler has no breaker.
   */
  public TaskHandler guard(String handlerName, ResolvedPolicy policy, TaskHandler handler) {
    HandlerOptions handlerOptions = options.apply(handlerName);
    if (handlerOptions.circuitBreaker().isEmpty()) return handler;
    String key = switch (policy) {
      case ResolvedPolicy.Valid v -> v.policy().breakerKey().orElse("");
      case ResolvedPolicy.Invalid i -> ""; // never reaches a handler: admission ends it FAILED first
    };
    Entry e = entry(new BreakerId(handlerName, key)).orElseThrow();
    return ctx -> {
      e.lastUsed().set(clock.millis());
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
    Entry existing = breakers.get(id);
    if (existing != null) return Optional.of(existing);
    boolean[] created = {false};
    Entry e = breakers.computeIfAbsent(id, i -> {
      CircuitBreaker cb = registry.circuitBreaker(name(i), configs.computeIfAbsent(i.handler(), h -> config(o.get())));
      Entry n = new Entry(i, cb, o.get(), new LongAdder(), new java.util.concurrent.atomic.AtomicReference<>(Instant.EPOCH),
          new AtomicLong(clock.millis()), new AtomicLong());
      cb.getEventPublisher().onStateTransition(ev -> onLocalTransition(n, ev));
      created[0] = true;
      return n;
    });
    if (created[0] && e.keyed() && keyedCount.incrementAndGet() > maxKeyed) dropLeastRecentlyUsed(e);
    return Optional.of(e);
  }

  private static String name(BreakerId id) {
    return id.handler() + US + id.key();
  }

  /** Drops keyed breakers that are closed and were not used for {@code idleExpiry}; how many. */
  int dropIdle() {
    long before = clock.millis() - idleExpiry.toMillis();
    int dropped = 0;
    for (Entry e : breakers.values()) {
      if (e.keyed() && e.lastUsed().get() <= before && drop(e)) dropped++;
    }
    if (dropped > 0) log.debug("Dropped {} idle keyed circuit breakers ({} kept)", dropped, keyedCount.get());
    return dropped;
  }

  /** Over the cap: drops the least recently used closed keyed breakers (never {@code keep}) down to nine tenths of it. */
  private void dropLeastRecentlyUsed(Entry keep) {
    synchronized (dropping) { // not this: flush holds that while it calls Redis
      dropOver(keep);
    }
  }

  private void dropOver(Entry keep) {
    int target = maxKeyed - maxKeyed / 10;
    if (keyedCount.get() <= maxKeyed) return; // another call made room
    List<Entry> closed = new ArrayList<>();
    for (Entry e : breakers.values()) {
      if (e.keyed() && e != keep && e.breaker().getState() == CircuitBreaker.State.CLOSED) closed.add(e);
    }
    closed.sort(Comparator.comparingLong(e -> e.lastUsed().get()));
    int dropped = 0;
    for (Entry e : closed) {
      if (keyedCount.get() <= target) break;
      if (drop(e)) dropped++;
    }
    log.info("Over {} keyed circuit breakers: dropped the {} least recently used closed ones ({} kept)", maxKeyed, dropped,
        keyedCount.get());
  }

  /** Forgets {@code e} if it is still this worker's and closed; true when it did. */
  private boolean drop(Entry e) {
    boolean[] dropped = {false};
    // in one step with the map, so a concurrent first use of the key cannot get the old breaker from the registry
    breakers.computeIfPresent(e.id(), (id, current) -> {
      if (current != e || e.breaker().getState() != CircuitBreaker.State.CLOSED) return current;
      registry.remove(name(id));
      dropped[0] = true;
      return null;
    });
    if (!dropped[0]) return false;
    long n = e.notPermitted().sumThenReset();
    if (n > 0) counts(e.id(), n);
    keyedCount.decrementAndGet();
    return true;
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

  /** Counts of dropped breakers not yet written. */
  private final Map<BreakerId, Long> droppedCounts = new ConcurrentHashMap<>();

  private void counts(BreakerId id, long n) {
    droppedCounts.merge(id, n, Long::sum);
  }

  /**
   * Writes the calls not permitted since the last flush, tells the cluster which keyed breakers
   * were used (each at most once per tenth of {@code idleExpiry}, which is enough to keep its state
   * from expiring while it is used), and drops idle keyed breakers.
   */
  synchronized void flush() {
    Map<BreakerId, Long> counts = new HashMap<>();
    droppedCounts.keySet().forEach(id -> counts.merge(id, droppedCounts.remove(id), Long::sum));
    breakers.forEach((id, e) -> {
      long n = e.notPermitted().sumThenReset();
      if (n > 0) counts.merge(id, n, Long::sum);
    });
    try {
      shared.addNotPermitted(counts);
    } catch (RuntimeException x) {
      counts.forEach(this::counts); // next time
      log.warn("Cannot count calls not permitted by circuit breakers: {}", x.toString());
    }
    long now = clock.millis();
    long every = Math.max(1, idleExpiry.toMillis() / 10);
    List<Entry> used = new ArrayList<>();
    breakers.forEach((id, e) -> {
      if (e.keyed() && e.lastUsed().get() > e.touched().get() && now - e.touched().get() >= every) used.add(e);
    });
    if (!used.isEmpty()) {
      try {
        shared.touch(used.stream().map(Entry::id).toList());
        used.forEach(e -> e.touched().set(now));
      } catch (RuntimeException x) {
        log.warn("Cannot keep the state of {} used circuit breakers from expiring: {}", used.size(), x.toString());
      }
    }
    dropIdle();
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
