package io.taskgrid.coordinator.internal.api;

import io.taskgrid.core.breaker.BreakerId;
import io.taskgrid.core.breaker.BreakerTransition;
import io.taskgrid.core.breaker.SharedBreaker;
import io.taskgrid.core.breaker.SharedBreakers;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Circuit breakers as a test sets them: the last transition of each, counting nothing. */
final class InMemoryBreakers implements SharedBreakers {
  private final Map<BreakerId, SharedBreaker> breakers = new ConcurrentHashMap<>();
  /** Thrown by {@link #list} when set, as by a Redis that cannot be reached. */
  volatile RuntimeException failure;

  void set(SharedBreaker b) {
    breakers.put(b.id(), b);
  }

  @Override
  public void publish(BreakerTransition t) {
    breakers.merge(t.id(), new SharedBreaker(t, 0, 0), (old, b) -> new SharedBreaker(t, old.timesOpened(), old.notPermittedCalls()));
  }

  @Override
  public void addNotPermitted(Map<BreakerId, Long> counts) {}

  @Override
  public void touch(java.util.Collection<BreakerId> used) {} // nothing expires here

  @Override
  public List<SharedBreaker> list() {
    if (failure != null) throw failure;
    return breakers.values().stream()
        .sorted(Comparator.comparing((SharedBreaker b) -> b.id().handler()).thenComparing(b -> b.id().key()))
        .toList();
  }

  @Override
  public Subscription subscribe(Consumer<BreakerTransition> listener) {
    return () -> {};
  }
}
