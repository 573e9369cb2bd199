package io.taskgrid.core.breaker;

import java.util.Objects;

/**
 * A breaker as the cluster knows it: its last transition on any worker, with cluster-wide counts.
 *
 * @param timesOpened how many times a worker's breaker opened (remote-caused openings not counted)
 * @param notPermittedCalls calls that failed fast with {@code taskgrid.CircuitOpen}, on all workers
 */
public record SharedBreaker(BreakerTransition last, long timesOpened, long notPermittedCalls) {
  public SharedBreaker {
    Objects.requireNonNull(last, "last");
  }

  public BreakerId id() {
    return last.id();
  }
}
