package io.taskgrid.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Makes a registered task a side task: a long-running service of which the cluster runs exactly
 * one instance, on one worker that has its handler, for as long as the task is enabled and not
 * paused. Set with {@link TaskDefinition.Builder#side(SideTask)}.
 *
 * <p>When the handler throws or returns while the task should still run, its worker starts it
 * again after a delay that grows from {@code restartInitialDelay} by {@code restartMultiplier} up
 * to {@code restartMaxDelay}; a run that lasted {@code restartMaxDelay} without failing resets the
 * delay. The cluster checks the values: delays from 100 ms to 1 day, max not below initial,
 * multiplier from 1 to 100; a bad one is a {@link TaskgridInvalidArgumentException} naming the
 * field ({@code task.side.restart_max_delay}).
 *
 * @param restartInitialDelay the delay before the first restart
 * @param restartMaxDelay the longest delay between restarts
 * @param restartMultiplier the factor from one delay to the next
 */
public record SideTask(Duration restartInitialDelay, Duration restartMaxDelay, double restartMultiplier) {
  /** Rejects null delays; the range of each value is checked by the cluster. */
  public SideTask {
    Objects.requireNonNull(restartInitialDelay, "restartInitialDelay");
    Objects.requireNonNull(restartMaxDelay, "restartMaxDelay");
  }

  /**
   * The default restart policy: 1 s, doubling, at most 1 min.
   *
   * @return the defaults
   */
  public static SideTask defaults() {
    return new SideTask(Duration.ofSeconds(1), Duration.ofMinutes(1), 2.0);
  }
}
