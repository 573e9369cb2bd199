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
}
