package io.taskgrid.client.internal;

import java.time.Duration;

/**
 * Exponential backoff with jitter, as a pure function of the attempt number and a random draw.
 *
 * @param initial the delay before the first retry
 * @param max the cap of the delay
 * @param jitter how far a delay may stray from its nominal value, as a fraction (0.2 = +-20%)
 */
public record Backoff(Duration initial, Duration max, double jitter) {
  /** 100 ms doubling to at most 5 s, +-20%. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 0.2);

  /** Rejects delays that are not positive, a cap below the first delay and jitter outside [0, 1). */
  public Backoff {
    if (initial.isNegative() || initial.isZero()) throw new IllegalArgumentException("initial must be positive, got " + initial);
    if (max.compareTo(initial) < 0) throw new IllegalArgumentException("max must be at least initial, got " + max);
    if (jitter < 0 || jitter >= 1) throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
  }

  /**
   * The delay before retry number {@code attempt}.
   *
   * @param attempt 0 for the first retry
   * @param random a uniform draw in [0, 1)
   * @return the delay in milliseconds, at least 1
   */
  public long delayMillis(int attempt, double random) {
    double nominal = Math.min(max.toMillis(), initial.toMillis() * Math.pow(2, Math.min(attempt, 30)));
    double factor = 1 - jitter + 2 * jitter * random;
    return Math.max(1, Math.round(nominal * factor));
  }
}
