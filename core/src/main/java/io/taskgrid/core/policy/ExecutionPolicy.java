package io.taskgrid.core.policy;

import io.taskgrid.core.InvalidArgumentException;
import java.util.Optional;

/**
 * The policies of one execution. Each part is optional: an absent part falls back to the
 * handler's default on the worker ({@link #over}).
 *
 * @param breakerKey splits the handler's circuit breaker by key (empty: the handler's own breaker)
 */
public record ExecutionPolicy(
    Optional<RetryPolicy> retry,
    Optional<ConcurrencyPolicy> concurrency,
    Optional<RateLimitPolicy> rateLimit,
    Optional<String> breakerKey) {

  public static final ExecutionPolicy NONE = new ExecutionPolicy(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  public ExecutionPolicy {
    if (retry == null || concurrency == null || rateLimit == null || breakerKey == null) throw new NullPointerException("ExecutionPolicy parts");
    breakerKey.ifPresent(k -> {
      if (k.isEmpty() || k.length() > 256) {
        throw new InvalidArgumentException("circuit_breaker_key", "must be 1 to 256 characters, got " + k.length());
      }
      if (k.chars().anyMatch(Character::isISOControl)) {
        throw new InvalidArgumentException("circuit_breaker_key", "must not contain control characters, got " + InvalidArgumentException.quote(k));
      }
    });
  }

  /** This policy, with each absent part taken from {@code defaults}. */
  public ExecutionPolicy over(ExecutionPolicy defaults) {
    return new ExecutionPolicy(
        retry.or(defaults::retry),
        concurrency.or(defaults::concurrency),
        rateLimit.or(defaults::rateLimit),
        breakerKey.or(defaults::breakerKey));
  }

  /** The retry policy, or one attempt only. */
  public RetryPolicy retryOrNone() {
    return retry.orElse(RetryPolicy.NONE);
  }

  public boolean isEmpty() {
    return this.equals(NONE);
  }
}
