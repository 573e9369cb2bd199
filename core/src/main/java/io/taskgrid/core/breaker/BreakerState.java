package io.taskgrid.core.breaker;

/** The states of a circuit breaker the cluster shares (Resilience4j's, less the manual ones). */
public enum BreakerState {
  /** Calls go through; failures are counted. */
  CLOSED,
  /** Calls fail fast with {@code taskgrid.CircuitOpen} until the wait in open state ends. */
  OPEN,
  /** A few probe calls go through; their outcome closes or reopens the breaker. */
  HALF_OPEN
}
