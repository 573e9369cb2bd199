package io.taskgrid.core.breaker;

import java.time.Instant;
import java.util.Objects;

/**
 * A breaker of one worker changed state: what the worker tells the others, and what the cluster
 * keeps as the breaker's shared state.
 *
 * @param failureRate percent of failed calls in the window when it changed state; -1 when the
 *     window held fewer calls than the minimum
 * @param slowCallRate percent of slow calls, likewise
 */
public record BreakerTransition(BreakerId id, BreakerState state, Instant at, String workerId, float failureRate, float slowCallRate) {
  public BreakerTransition {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(workerId, "workerId");
  }
}
