package io.taskgrid.worker;

import io.taskgrid.core.policy.ConcurrencyPolicy;
import io.taskgrid.core.policy.ExecutionPolicy;
import io.taskgrid.core.policy.RateLimitPolicy;
import io.taskgrid.core.policy.RetryPolicy;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A handler's defaults on this worker: the execution policy parts used when neither the
 * submission nor the registered task sets them, and the exception types that never retry.
 *
 * <pre>{@code
 * HandlerOptions.builder()
 *     .retry(RetryPolicy.of(5, Duration.ofSeconds(1), RetryPolicy.Backoff.EXPONENTIAL, 2.0, Duration.ofMinutes(1), 0.2, null, null))
 *     .nonRetryable(IllegalArgumentException.class)
 *     .build();
 * }</pre>
 *
 * @param defaults the policy parts executions of this handler get unless their task or submission
 *     sets them
 * @param nonRetryable exception types (and their subclasses) that end an execution without retry,
 *     like {@link NonRetryableException}
 * @param circuitBreaker the handler's circuit breaker on this worker; none by default (no breaker,
 *     no cost)
 */
public record HandlerOptions(ExecutionPolicy defaults, Set<Class<? extends Throwable>> nonRetryable,
    Optional<CircuitBreakerOptions> circuitBreaker) {
  /** No defaults: one attempt, no limits. */
  public static final HandlerOptions NONE = new HandlerOptions(ExecutionPolicy.NONE, Set.of());

  public HandlerOptions {
    Objects.requireNonNull(defaults, "defaults");
    nonRetryable = Set.copyOf(nonRetryable);
    Objects.requireNonNull(circuitBreaker, "circuitBreaker");
  }

  /** Without a circuit breaker. */
  public HandlerOptions(ExecutionPolicy defaults, Set<Class<? extends Throwable>> nonRetryable) {
    this(defaults, nonRetryable, Optional.empty());
  }

  /** Whether {@code error} is of a type that never retries for this handler. */
  public boolean isNonRetryable(Throwable error) {
    if (error instanceof NonRetryableException) return true;
    for (Class<? extends Throwable> type : nonRetryable) {
      if (type.isInstance(error)) return true;
    }
    return false;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link HandlerOptions}; every part is optional. */
  public static final class Builder {
    private Optional<RetryPolicy> retry = Optional.empty();
    private Optional<ConcurrencyPolicy> concurrency = Optional.empty();
    private Optional<RateLimitPolicy> rateLimit = Optional.empty();
    private final Set<Class<? extends Throwable>> nonRetryable = new LinkedHashSet<>();
    private Optional<CircuitBreakerOptions> circuitBreaker = Optional.empty();

    private Builder() {}

    /** Retries of this handler's failed attempts. */
    public Builder retry(RetryPolicy policy) {
      this.retry = Optional.of(policy);
      return this;
    }

    /** A concurrency limit shared by this handler's executions (its key names the permits). */
    public Builder concurrency(ConcurrencyPolicy policy) {
      this.concurrency = Optional.of(policy);
      return this;
    }

    /** A cluster-wide rate limit on this handler's starts. */
    public Builder rateLimit(RateLimitPolicy policy) {
      this.rateLimit = Optional.of(policy);
      return this;
    }

    /** Exception types (with subclasses) that end an execution without retry. */
    @SafeVarargs
    public final Builder nonRetryable(Class<? extends Throwable>... types) {
      for (Class<? extends Throwable> t : types) nonRetryable.add(Objects.requireNonNull(t));
      return this;
    }

    /**
     * A circuit breaker guarding this handler on this worker, shared with the other workers (see
     * {@link CircuitBreakerOptions}); executions with a {@code circuit_breaker_key} get one
     * breaker per key, configured alike.
     */
    public Builder circuitBreaker(CircuitBreakerOptions options) {
      this.circuitBreaker = Optional.of(options);
      return this;
    }

    public HandlerOptions build() {
      return new HandlerOptions(new ExecutionPolicy(retry, concurrency, rateLimit, Optional.empty()), nonRetryable, circuitBreaker);
    }
  }
}
