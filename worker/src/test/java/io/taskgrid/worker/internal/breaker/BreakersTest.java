package io.taskgrid.worker.internal.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.OpenTelemetry;
import io.taskgrid.core.breaker.BreakerId;
import io.taskgrid.core.breaker.BreakerState;
import io.taskgrid.core.breaker.BreakerTransition;
import io.taskgrid.core.breaker.SharedBreaker;
import io.taskgrid.core.breaker.SharedBreakers;
import io.taskgrid.core.policy.ExecutionPolicy;
import io.taskgrid.telemetry.WorkerMeters;
import io.taskgrid.worker.CircuitBreakerOptions;
import io.taskgrid.worker.HandlerOptions;
import io.taskgrid.worker.InvalidPayloadException;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.internal.ResolvedPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BreakersTest {
  private static final CircuitBreakerOptions OPTIONS = CircuitBreakerOptions.builder()
      .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50).waitInOpenState(Duration.ofMinutes(1)).build();
  private static final Map<String, HandlerOptions> HANDLERS = Map.of(
      "guarded", HandlerOptions.builder().circuitBreaker(OPTIONS).build(),
      "plain", HandlerOptions.NONE);

  /** The cluster in memory: every subscriber gets every transition, in order. */
  private static final class Cluster implements SharedBreakers {
    final List<BreakerTransition> published = new CopyOnWriteArrayList<>();
    final List<Consumer<BreakerTransition>> listeners = new CopyOnWriteArrayList<>();
    final Map<BreakerId, Long> notPermitted = new ConcurrentHashMap<>();
    final List<BreakerId> touched = new CopyOnWriteArrayList<>();

    @Override
    public void touch(java.util.Collection<BreakerId> used) {
      touched.addAll(used);
    }

    @Override
    public void publish(BreakerTransition t) {
      published.add(t);
      listeners.forEach(l -> l.accept(t));
    }

    @Override
    public void addNotPermitted(Map<BreakerId, Long> counts) {
      counts.forEach((id, n) -> notPermitted.merge(id, n, Long::sum));
    }

    @Override
    public List<SharedBreaker> list() {
      return published.isEmpty() ? List.of() : List.of(new SharedBreaker(published.getLast(), 1, 0));
    }

    @Override
    public Subscription subscribe(Consumer<BreakerTransition> listener) {
      listeners.add(listener);
      return () -> listeners.remove(listener);
    }
  }

  private final Cluster cluster = new Cluster();
  private final TestClock clock = new TestClock(Instant.parse("2026-12-01T11:00:00Z"));
  private final List<Breakers> started = new ArrayList<>();

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  private Breakers worker(String id) {
    return worker(id, Duration.ofHours(1), 10_000);
  }

  private Breakers worker(String id, Duration idleExpiry, int maxKeyed) {
    Breakers b = new Breakers(h -> HANDLERS.getOrDefault(h, HandlerOptions.NONE), cluster, id,
        clock, new WorkerMeters(OpenTelemetry.noop().getMeter("test")), idleExpiry, maxKeyed).start();
    started.add(b);
    return b;
  }

  private static final TaskHandler OK = ctx -> "ok";

  @AfterEach
  void close() {
    started.forEach(Breakers::close);
  }

  /** A call of {@code handler} by an execution whose policy names breaker key {@code key} ("": none). */
  private record Call(String handler, ResolvedPolicy policy) {}

  private static Call message(String handler, String key) {
    return new Call(handler, new ResolvedPolicy.Valid(new ExecutionPolicy(Optional.empty(), Optional.empty(), Optional.empty(),
        key.isEmpty() ? Optional.empty() : Optional.of(key))));
  }

  private static TaskHandler guard(Breakers b, Call c, TaskHandler h) {
    return b.guard(c.handler(), c.policy(), h);
  }

  private static final TaskHandler FAILING = ctx -> {
    throw new IllegalStateException("downstream is down");
  };

  private static void callAndIgnore(Breakers b, Call m, TaskHandler h) {
    try {
      guard(b, m, h).handle(null);
    } catch (Exception ignored) {
      // the outcome is what the breaker counts
    }
  }

  @Test
  void aHandlerWithoutOptionsHasNoBreaker() {
    assertThat(guard(worker("w1"), message("plain", ""), FAILING)).isSameAs(FAILING);
  }

  @Test
  void opensAfterTheFailureRateIsReachedAndThenFailsFastWithoutCallingTheHandler() throws Exception {
    Breakers w1 = worker("w1");
    AtomicInteger calls = new AtomicInteger();
    TaskHandler counting = ctx -> {
      calls.incrementAndGet();
      throw new IllegalStateException("downstream is down");
    };
    for (int i = 0; i < 4; i++) callAndIgnore(w1, message("guarded", ""), counting);

    assertThat(w1.states()).containsEntry(new BreakerId("guarded", ""), BreakerState.OPEN);
    assertThatThrownBy(() -> guard(w1, message("guarded", ""), counting).handle(null))
        .isInstanceOf(CircuitOpenException.class).hasMessageContaining("circuit breaker of guarded is OPEN");
    assertThat(calls).hasValue(4);
    await().atMost(Duration.ofSeconds(5)).until(() -> cluster.notPermitted.getOrDefault(new BreakerId("guarded", ""), 0L) == 1L);
  }

  @Test
  void badInputDoesNotOpenTheBreaker() {
    Breakers w1 = worker("w1");
    for (int i = 0; i < 8; i++) callAndIgnore(w1, message("guarded", ""), ctx -> {
      throw new InvalidPayloadException("amount: must be positive");
    });

    assertThat(w1.states()).containsEntry(new BreakerId("guarded", ""), BreakerState.CLOSED);
  }

  @Test
  void anotherWorkerFollowsAnOpeningWithoutPublishingItAgain() {
    Breakers w1 = worker("w1");
    Breakers w2 = worker("w2");
    guard(w2, message("guarded", "tenant-a"), FAILING); // w2 has this breaker already
    for (int i = 0; i < 4; i++) callAndIgnore(w1, message("guarded", "tenant-a"), FAILING);

    await().atMost(Duration.ofSeconds(5)).until(() -> !cluster.published.isEmpty());
    assertThat(w2.states()).containsEntry(new BreakerId("guarded", "tenant-a"), BreakerState.OPEN);
    assertThat(cluster.published).singleElement().satisfies(t -> {
      assertThat(t.workerId()).isEqualTo("w1");
      assertThat(t.state()).isEqualTo(BreakerState.OPEN);
      assertThat(t.failureRate()).isEqualTo(100f);
    });
    assertThat(w1.states()).doesNotContainKey(new BreakerId("guarded", "")); // keys split a handler's breaker
  }

  @Test
  void aWorkerStartingWhileTheClusterBreakerIsOpenStartsOpen() {
    Breakers w1 = worker("w1");
    for (int i = 0; i < 4; i++) callAndIgnore(w1, message("guarded", ""), FAILING);
    await().atMost(Duration.ofSeconds(5)).until(() -> !cluster.published.isEmpty());

    Breakers late = worker("w3");

    assertThat(late.states()).containsEntry(new BreakerId("guarded", ""), BreakerState.OPEN);
  }

  @Test
  void dropsAKeyedBreakerThatIsClosedAndUnusedForTheIdleExpiryButNeverAHandlersOwn() {
    Breakers w1 = worker("w1");
    callAndIgnore(w1, message("guarded", "tenant-a"), OK);
    callAndIgnore(w1, message("guarded", ""), OK);

    clock.advance(Duration.ofMinutes(59));
    w1.flush();
    assertThat(w1.states()).containsKeys(new BreakerId("guarded", "tenant-a"), new BreakerId("guarded", ""));

    clock.advance(Duration.ofMinutes(1));
    w1.flush();
    assertThat(w1.states()).containsOnlyKeys(new BreakerId("guarded", ""));

    callAndIgnore(w1, message("guarded", "tenant-a"), OK); // comes back closed
    assertThat(w1.states()).containsEntry(new BreakerId("guarded", "tenant-a"), BreakerState.CLOSED);
  }

  @Test
  void aUseKeepsAKeyedBreakerAndAnOpenOneIsKeptHoweverLongItIsIdle() {
    Breakers w1 = worker("w1");
    callAndIgnore(w1, message("guarded", "used"), OK);
    for (int i = 0; i < 4; i++) callAndIgnore(w1, message("guarded", "open"), FAILING);

    clock.advance(Duration.ofMinutes(50));
    callAndIgnore(w1, message("guarded", "used"), OK);
    clock.advance(Duration.ofMinutes(50));
    w1.flush();

    assertThat(w1.states()).containsEntry(new BreakerId("guarded", "used"), BreakerState.CLOSED)
        .containsEntry(new BreakerId("guarded", "open"), BreakerState.OPEN);
  }

  @Test
  void overTheCapDropsTheLeastRecentlyUsedClosedKeyedBreakersDownToNineTenthsOfIt() {
    Breakers w1 = worker("w1", Duration.ofHours(1), 10);
    for (int i = 0; i < 4; i++) callAndIgnore(w1, message("guarded", "open"), FAILING);
    for (int i = 1; i <= 9; i++) {
      clock.advance(Duration.ofSeconds(1));
      callAndIgnore(w1, message("guarded", "k" + i), OK);
    }
    clock.advance(Duration.ofSeconds(1));
    callAndIgnore(w1, message("guarded", "k1"), OK); // now the most recently used

    callAndIgnore(w1, message("guarded", "k10"), OK); // the 11th

    assertThat(w1.states().keySet()).extracting(BreakerId::key)
        .containsExactlyInAnyOrder("open", "k1", "k4", "k5", "k6", "k7", "k8", "k9", "k10");
  }

  @Test
  void keepsTheSharedStateOfAUsedKeyedBreakerAliveOncePerTenthOfTheExpiry() {
    Breakers w1 = worker("w1");
    BreakerId keyed = new BreakerId("guarded", "tenant-a");
    callAndIgnore(w1, message("guarded", "tenant-a"), OK);
    callAndIgnore(w1, message("guarded", ""), OK);
    w1.flush();
    assertThat(cluster.touched).containsExactly(keyed);

    clock.advance(Duration.ofMinutes(5));
    callAndIgnore(w1, message("guarded", "tenant-a"), OK);
    w1.flush();
    assertThat(cluster.touched).containsExactly(keyed);

    clock.advance(Duration.ofMinutes(1));
    w1.flush();
    assertThat(cluster.touched).containsExactly(keyed, keyed);

    clock.advance(Duration.ofMinutes(6));
    w1.flush(); // not used since
    assertThat(cluster.touched).containsExactly(keyed, keyed);
  }
}
