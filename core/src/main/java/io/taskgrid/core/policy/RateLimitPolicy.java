package io.taskgrid.core.policy;

import io.taskgrid.core.Durations;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.NameRule;
import java.time.Duration;

/**
 * At most {@code limit} starts per {@code period} for executions sharing {@code key}, cluster-wide.
 */
public record RateLimitPolicy(String key, int limit, Duration period, Window window, Excess onExcess) {
  public static final int MAX_LIMIT = 1_000_000;
  public static final Duration MAX_PERIOD = Duration.ofDays(1);

  /** How starts are counted. */
  public enum Window {
    /** In no interval of length {@code period}, wherever it begins, do more than {@code limit} start. */
    SLIDING,
    /** At most {@code limit} start in each epoch-aligned window of length {@code period}. */
    FIXED
  }

  /** What happens to an execution over the budget. */
  public enum Excess {
    /** It waits, QUEUED, without a worker slot, and starts when the budget allows. */
    DELAY,
    /** It ends SKIPPED, reason {@code rate_limited}. */
    DROP
  }

  public RateLimitPolicy {
    NameRule.NAME.check("rate_limit.key", key);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidArgumentException("rate_limit.limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    if (period == null || period.compareTo(Duration.ofMillis(1)) < 0 || period.compareTo(MAX_PERIOD) > 0) {
      throw new InvalidArgumentException("rate_limit.period", "must be between 1ms and 1d, got "
          + (period == null ? "null" : !period.isNegative() && period.compareTo(Duration.ofMillis(1)) < 0 ? period.toNanos() + "ns" : Durations.format(period)));
    }
    if (window == null) throw new InvalidArgumentException("rate_limit.window", "must be SLIDING or FIXED");
    if (onExcess == null) throw new InvalidArgumentException("rate_limit.on_excess", "must be DELAY or DROP");
  }

  /**
   * A policy from request values where zero or null means the default (period 1 s, SLIDING,
   * DELAY); an empty key is the handler's name.
   */
  public static RateLimitPolicy of(String key, int limit, Duration period, Window window, Excess onExcess, String handler) {
    return new RateLimitPolicy(key == null || key.isEmpty() ? handler : key, limit,
        period == null || period.isZero() ? Duration.ofSeconds(1) : period,
        window == null ? Window.SLIDING : window, onExcess == null ? Excess.DELAY : onExcess);
  }
}
