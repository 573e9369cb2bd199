package io.taskgrid.core.breaker;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where the cluster shares its circuit breakers: workers publish their breakers' transitions and
 * follow the others'; the coordinator lists them.
 */
public interface SharedBreakers {
  /** Records {@code transition} as its breaker's shared state and tells every subscriber. */
  void publish(BreakerTransition transition);

  /** Adds calls that failed fast, per breaker, to the cluster-wide counts. */
  void addNotPermitted(Map<BreakerId, Long> counts);

  /**
   * Keyed breakers ({@link BreakerId#key()} not empty) were used: their shared state, if they have
   * one, stays as long again as after a transition. A keyed breaker's state expires when unused
   * for the store's expiry; a handler's own breaker never does.
   */
  void touch(Collection<BreakerId> used);

  /** Every breaker whose state has not expired, ordered by handler, then key. */
  List<SharedBreaker> list();

  /**
   * Calls {@code listener} with every transition published from now on, until the returned handle
   * is closed; a subscriber reads the current state with {@link #list} itself. The listener must
   * not block: it may run on the client's I/O threads.
   */
  Subscription subscribe(Consumer<BreakerTransition> listener);

  /** Stops a subscription. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
