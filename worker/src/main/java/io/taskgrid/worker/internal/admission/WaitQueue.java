package io.taskgrid.worker.internal.admission;

import java.time.Duration;

/**
 * A bounded first-come-first-served queue of executions per concurrency key, shared by all
 * workers. An entry lives while some worker keeps asking about it ({@link #enter} renews its
 * lease); a dead worker's entry is dropped when it reaches the head with its lease expired.
 */
public interface WaitQueue {
  /** {@link #enter}'s answer when the queue is full. */
  long FULL = -1;

  /**
   * Enters {@code executionId} at the tail unless it is queued already (a redelivery keeps its
   * place), renews its lease, and returns its position (0 is the head), or {@link #FULL}.
   */
  long enter(String key, String executionId, int maxQueued, Duration lease);

  /** Removes {@code executionId}: it took a permit, or will never need one. */
  void leave(String key, String executionId);
}
