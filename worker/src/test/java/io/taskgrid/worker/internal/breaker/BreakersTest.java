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
import io.taskgrid.proto.v1.ExecutionPolicy;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.telemetry.WorkerMeters;
import io.taskgrid.worker.CircuitBreakerOptions;
import io.taskgrid.worker.HandlerOptions;
import io.taskgrid.worker.InvalidPayloadException;
import io.taskgrid.worker.TaskHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T11:00:00Z"), ZoneOffset.UTC);
  private final List<Breakers> started = new ArrayList<>();

  private Breakers worker(String id) {
    Breakers b = new Breakers(h -> HANDLERS.getOrDefault(h, HandlerOptions.NONE), cluster, id,
        clock, new WorkerMeters(OpenTelemetry.noop().getMeter("test"))).start();
    started.add(b);
    return b;
  }

  @AfterEach
  void close() {
    started.forEach(Breakers::close);
  }

  private static TaskMessage message(String handler, String key) {
    return TaskMessage.newBuilder().setHandler(handler).setPolicy(ExecutionPolicy.newBuilder().setCircuitBreakerKey(key)).build();
  }

  private static final TaskHandler FAILING = ctx -> {
    throw new IllegalStateException("downstream is down");
  };

  private static void callAndIgnore(Breakers b, TaskMessage m, TaskHandler h) {
    try {
      b.guard(m, h).handle(null);
    } catch (Exception ignored) {
      // the outcome is what the breaker counts
    }
  }

  @Test
  void aHandlerWithoutOptionsHasNoBreaker() {
    assertThat(worker("w1").guard(message("plain", ""), FAILING)).isSameAs(FAILING);
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
    assertThatThrownBy(() -> w1.guard(message("guarded", ""), counting).handle(null))
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
    w2.guard(message("guarded", "tenant-a"), FAILING); // w2 has this breaker already
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
}
