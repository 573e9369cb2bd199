package io.taskgrid.coordinator.internal.schedule;

import java.time.Duration;
import java.util.Optional;

/**
 * Decides which coordinator leads scheduling. Only liveness depends on it: safety (no fire
 * written twice) comes from fencing the scheduler's Kafka producer, so two coordinators that both
 * believe they lead for a moment cannot both commit.
 */
public interface LeaderElection extends AutoCloseable {
  /** Starts campaigning in the background. */
  void start();

  /** True while this coordinator holds leadership (its lease has not run out). */
  boolean isLeader();

  /** While leading: how long the lease is still surely held without another renewal. */
  default Optional<Duration> leaseRemaining() {
    return Optional.empty();
  }

  /** Gives leadership up (if held) so another coordinator can take it at once. */
  void resign();

  @Override
  void close();
}
