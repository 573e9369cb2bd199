package io.taskgrid.client;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A circuit breaker of the cluster, as the workers last reported it. Workers keep one breaker per
 * handler configured with one (and per circuit breaker key of its executions); when one worker's
 * breaker changes state the others follow, and this is that shared state.
 *
 * @param handler the handler it guards
 * @param key the circuit breaker key of the executions it guards; empty for the handler's own breaker
 * @param state its state
 * @param since when it entered that state (by the clock of the worker that reported it)
 * @param workerId the worker whose breaker changed state last
 * @param failureRate percent of failed calls over the window when it changed state; empty when
 *     the window held fewer calls than the minimum
 * @param slowCallRate percent of slow calls, likewise
 * @param timesOpened how many times it opened, cluster-wide
 * @param notPermittedCalls attempts that failed fast with {@code taskgrid.CircuitOpen}, cluster-wide
 */
public record CircuitBreakerInfo(
    String handler,
    String key,
    State state,
    Instant since,
    String workerId,
    OptionalDouble failureRate,
    OptionalDouble slowCallRate,
    long timesOpened,
    long notPermittedCalls) {

  public CircuitBreakerInfo {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(failureRate, "failureRate");
    Objects.requireNonNull(slowCallRate, "slowCallRate");
  }

  /** The state of a circuit breaker. */
  public enum State {
    /** Calls go through; failures are counted. */
    CLOSED,
    /**
     * Attempts fail fast with {@code taskgrid.CircuitOpen} without calling the handler, and follow
     * their retry policy, until the wait in open state ends.
     */
    OPEN,
    /** A few probe calls go through; their outcome closes or reopens the breaker. */
    HALF_OPEN
  }
}
