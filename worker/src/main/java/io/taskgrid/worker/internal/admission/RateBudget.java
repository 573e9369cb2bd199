package io.taskgrid.worker.internal.admission;

import io.taskgrid.core.policy.RateLimitPolicy;
import java.time.Duration;

/** Cluster-wide start budgets, per rate limit key. */
public interface RateBudget {
  /**
   * Takes one start for {@code executionId} from {@code policy}'s budget if there is one now: {@link Duration#ZERO}. Else
   * nothing is taken and the answer is when to ask again.
   */
  Duration tryStart(RateLimitPolicy policy, String executionId);

  /**
   * The handler of {@code executionId}, whose start was taken, begins now: a budget that counts
   * starts over a sliding interval counts it from now, not from its admission (the claim and the
   * slot come in between, and take a varying time).
   */
  default void handlerStarted(RateLimitPolicy policy, String executionId) {}
}
