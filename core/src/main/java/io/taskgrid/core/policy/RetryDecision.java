package io.taskgrid.core.policy;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * Whether a failed attempt is tried again, and when. Pure: the caller passes the clock's reading
 * and the random source, so tests step it with fixed values. The backoff is Resilience4j's {@link
 * IntervalFunction}; jitter is applied here from {@code random} (Resilience4j's randomized
 * functions draw from {@code Math.random}, which a test cannot fix).
 */
public sealed interface RetryDecision {
  /** Attempt {@code nextAttempt} is due at {@code at}, {@code delay} after the failure. */
  record Retry(int nextAttempt, Instant at, Duration delay) implements RetryDecision {}

  /** No more attempts; {@code why} says which rule ended them (for logs and the history). */
  record GiveUp(String why) implements RetryDecision {}

  /**
   * The decision after attempt {@code attempt} failed with {@code errorType} at {@code now}.
   *
   * @param nonRetryable the handler marked the failure as not retryable (its exception is a
   *     NonRetryableException or one of the handler's non-retryable types)
   * @param firstAttemptAt when the execution's first attempt started
   * @param random uniform values in [0, 1), for jitter
   */
  static RetryDecision decide(RetryPolicy policy, int attempt, String errorType, boolean nonRetryable, Instant firstAttemptAt,
      Instant now, DoubleSupplier random) {
    if (nonRetryable) return new GiveUp("the handler marked " + errorType + " as not retryable");
    if (RetryPolicy.NEVER_RETRIED.contains(errorType)) return new GiveUp(errorType + " is never retried");
    if (policy.nonRetryableErrors().contains(errorType)) return new GiveUp(errorType + " is listed in non_retryable_errors");
    if (attempt >= policy.maxAttempts()) {
      return new GiveUp(policy.maxAttempts() == 1 ? "no retry policy" : "all " + policy.maxAttempts() + " attempts used");
    }
    Duration delay = delay(policy, attempt, random);
    Instant at = now.plus(delay);
    if (policy.maxDuration().isPresent() && at.isAfter(firstAttemptAt.plus(policy.maxDuration().get()))) {
      return new GiveUp("the next attempt would start after max_duration " + io.taskgrid.core.Durations.format(policy.maxDuration().get())
          + " from the first");
    }
    return new Retry(attempt + 1, at, delay);
  }

  /** The delay after attempt {@code attempt} (1 for the first retry's delay), with jitter. */
  static Duration delay(RetryPolicy policy, int attempt, DoubleSupplier random) {
    long initial = policy.initialDelay().toMillis();
    long max = policy.maxDelay().toMillis();
    IntervalFunction backoff = switch (policy.backoff()) {
      case FIXED -> IntervalFunction.of(initial);
      case EXPONENTIAL -> IntervalFunction.ofExponentialBackoff(initial, policy.multiplier(), max);
    };
    long base = Math.min(max, backoff.apply(attempt));
    if (policy.jitter() == 0) return Duration.ofMillis(base);
    double spread = policy.jitter() * base;
    long jittered = Math.round(base - spread + random.getAsDouble() * 2 * spread);
    return Duration.ofMillis(Math.max(1, Math.min(RetryPolicy.MAX_DELAY.toMillis(), jittered)));
  }
}
