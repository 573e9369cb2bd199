package io.taskgrid.worker.internal.admission;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * Cluster-wide concurrency permits, per key: at most {@code limit} held at once. A permit is held
 * by an execution (not a thread) and expires after {@code lease} unless renewed, so the permit of
 * a worker that died frees within the lease.
 */
public interface Permits {
  /** A held permit. */
  record Permit(String key, int limit, String executionId, String id) {}

  /** Takes a permit for {@code executionId} if one is free now, without waiting. */
  Optional<Permit> tryAcquire(String key, int limit, String executionId, Duration lease);

  /** Extends the leases of {@code permits}; returns those that had already expired. */
  Set<Permit> renew(Collection<Permit> permits, Duration lease);

  void release(Permit permit);

  /**
   * Records {@code executionId}, accepted at {@code acceptedAtMicros} (microseconds since the
   * epoch, the resolution of the coordinator's clock: one client's submissions one after the other
   * often fall in the same millisecond), as a candidate for {@code key} and answers whether it is
   * the newest candidate (for REPLACE: the newest execution wins, older ones are cancelled, running
   * or not). Ties go to the greater id.
   */
  boolean newest(String key, String executionId, long acceptedAtMicros);

  /** The executions holding a permit of {@code key} now (best effort, for REPLACE). */
  Set<String> holders(String key);
}
