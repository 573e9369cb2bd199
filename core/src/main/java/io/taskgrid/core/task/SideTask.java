package io.taskgrid.core.task;

import io.taskgrid.core.Durations;
import io.taskgrid.core.InvalidArgumentException;
import java.time.Duration;

/**
 * What makes a registered task a side task: a long-running service of which the cluster runs one
 * instance while the task is enabled and not paused, restarted with a growing delay when its
 * handler fails. Checked when built; a bad value is an {@link InvalidArgumentException} naming its
 * field under {@code side.}.
 *
 * @param initialDelay the delay before the first restart after a failure
 * @param maxDelay the longest delay between restarts; a run that lasted this long without failing
 *     resets the delay to {@code initialDelay}
 * @param multiplier the factor from one delay to the next
 */
public record SideTask(Duration initialDelay, Duration maxDelay, double multiplier) {
  public static final Duration MIN_DELAY = Duration.ofMillis(100);
  public static final Duration MAX_DELAY = Duration.ofDays(1);
  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(1);
  public static final double DEFAULT_MULTIPLIER = 2.0;

  /** The defaults: 1 s, doubling, at most 1 min. */
  public static final SideTask DEFAULTS = new SideTask(DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY, DEFAULT_MULTIPLIER);

  public SideTask {
    check("side.restart_initial_delay", initialDelay);
    check("side.restart_max_delay", maxDelay);
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new InvalidArgumentException("side.restart_max_delay", "must not be shorter than restart_initial_delay ("
          + Durations.format(initialDelay) + "), got " + Durations.format(maxDelay));
    }
    if (!(multiplier >= 1.0 && multiplier <= 100.0)) {
      throw new InvalidArgumentException("side.restart_multiplier", "must be between 1 and 100, got " + multiplier);
    }
  }

  /**
   * A policy from request values where null, zero or 0.0 means "the default": initial delay 1 s,
   * max delay 1 min (or the initial delay when longer), multiplier 2.
   */
  public static SideTask of(Duration initialDelay, Duration maxDelay, double multiplier) {
    Duration initial = initialDelay == null || initialDelay.isZero() ? DEFAULT_INITIAL_DELAY : initialDelay;
    Duration max = maxDelay == null || maxDelay.isZero() ? (initial.compareTo(DEFAULT_MAX_DELAY) > 0 ? initial : DEFAULT_MAX_DELAY) : maxDelay;
    return new SideTask(initial, max, multiplier == 0 ? DEFAULT_MULTIPLIER : multiplier);
  }

  /**
   * The delay before restarting after the {@code failures}-th failure in a row (1 for the first):
   * {@code initialDelay * multiplier^(failures-1)}, at most {@code maxDelay}.
   */
  public Duration restartDelay(int failures) {
    if (failures < 1) throw new IllegalArgumentException("failures must be at least 1, got " + failures);
    double millis = initialDelay.toMillis() * Math.pow(multiplier, failures - 1);
    return millis >= maxDelay.toMillis() ? maxDelay : Duration.ofMillis((long) millis);
  }

  /**
   * The failures in a row after a run that lasted {@code ran} and then failed: a run of at least
   * {@code maxDelay} was healthy, so the count starts again at 1.
   */
  public int failuresAfter(int failuresBefore, Duration ran) {
    return ran.compareTo(maxDelay) >= 0 ? 1 : failuresBefore + 1;
  }

  private static void check(String field, Duration d) {
    if (d == null) throw new NullPointerException(field);
    if (d.compareTo(MIN_DELAY) < 0 || d.compareTo(MAX_DELAY) > 0) {
      throw new InvalidArgumentException(field, "must be between " + Durations.format(MIN_DELAY) + " and " + Durations.format(MAX_DELAY)
          + ", got " + Durations.format(d));
    }
  }
}
