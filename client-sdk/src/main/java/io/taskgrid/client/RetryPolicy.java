package io.taskgrid.client;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * When and how often a failed attempt of an execution is tried again. Immutable; made with {@link
 * #builder()}. Every attempt is part of the same execution (same id, attempt 1, 2, ...), and the
 * execution is terminal only after its last attempt: a client waiting for it gets the final
 * outcome. Between attempts the execution is {@link ExecutionStatus#RETRY_SCHEDULED} and waits
 * durably in Kafka, not in a worker.
 *
 * <pre>{@code
 * RetryPolicy retry = RetryPolicy.builder()
 *     .maxAttempts(5)
 *     .initialDelay(Duration.ofSeconds(1))
 *     .exponential(2.0, Duration.ofMinutes(1))
 *     .jitter(0.2)
 *     .maxDuration(Duration.ofHours(1))
 *     .nonRetryable("java.lang.IllegalArgumentException")
 *     .build();
 * }</pre>
 *
 * <p>What retries: a FAILED or TIMEOUT attempt. What never retries: an invalid payload
 * ({@code taskgrid.InvalidPayload}), an unknown handler, a result over the size limit, a handler's
 * {@code NonRetryableException} or a type its worker declared not retryable, and the error types
 * listed with {@link Builder#nonRetryable}. The builder checks what it can; the coordinator checks
 * the rest (delays from 100 ms to 7 days, at most 100 attempts, max duration up to 30 days) and
 * answers a bad value with a {@link TaskgridInvalidArgumentException} naming the field, for
 * example {@code policy.retry.initial_delay}.
 */
public final class RetryPolicy {
  /** How the delay grows from one retry to the next. */
  public enum Backoff {
    /** Every delay is the initial delay (with jitter). */
    FIXED,
    /** Delay n is the initial delay times multiplier^(n-1), at most the max delay (with jitter). */
    EXPONENTIAL
  }

  private final int maxAttempts;
  private final Duration initialDelay;
  private final Backoff backoff;
  private final double multiplier;
  private final Duration maxDelay;
  private final double jitter;
  private final Duration maxDuration;
  private final List<String> nonRetryable;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialDelay = b.initialDelay;
    this.backoff = b.backoff;
    this.multiplier = b.multiplier;
    this.maxDelay = b.maxDelay;
    this.jitter = b.jitter;
    this.maxDuration = b.maxDuration;
    this.nonRetryable = List.copyOf(b.nonRetryable);
  }

  /**
   * Starts a policy.
   *
   * @return a builder of 3 attempts, 1 s initial delay, exponential backoff (multiplier 2, max
   *     delay 1 h), no jitter, no max duration
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Attempts in all, the first included.
   *
   * @return 1 for no retry
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The delay before the first retry.
   *
   * @return the delay
   */
  public Duration initialDelay() {
    return initialDelay;
  }

  /**
   * How delays grow.
   *
   * @return FIXED or EXPONENTIAL
   */
  public Backoff backoff() {
    return backoff;
  }

  /**
   * For EXPONENTIAL, the factor from one delay to the next.
   *
   * @return at least 1.0
   */
  public double multiplier() {
    return multiplier;
  }

  /**
   * The longest delay between two attempts.
   *
   * @return the cap, or empty for the coordinator's default (1 h, or the initial delay if longer)
   */
  public Optional<Duration> maxDelay() {
    return Optional.ofNullable(maxDelay);
  }

  /**
   * The fraction by which each delay is randomized either way.
   *
   * @return 0 (none) to 1
   */
  public double jitter() {
    return jitter;
  }

  /**
   * The longest time from the first attempt's start to the start of a retry.
   *
   * @return the limit, or empty for none
   */
  public Optional<Duration> maxDuration() {
    return Optional.ofNullable(maxDuration);
  }

  /**
   * Error types that end the execution without retry, besides those that never retry.
   *
   * @return exception class names or {@code taskgrid.*} types (unmodifiable)
   */
  public List<String> nonRetryable() {
    return nonRetryable;
  }

  /** Equal when every value is equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof RetryPolicy p && maxAttempts == p.maxAttempts && initialDelay.equals(p.initialDelay) && backoff == p.backoff
        && Double.compare(multiplier, p.multiplier) == 0 && Objects.equals(maxDelay, p.maxDelay) && Double.compare(jitter, p.jitter) == 0
        && Objects.equals(maxDuration, p.maxDuration) && nonRetryable.equals(p.nonRetryable);
  }

  /** Hashes every value. */
  @Override
  public int hashCode() {
    return Objects.hash(maxAttempts, initialDelay, backoff, multiplier, maxDelay, jitter, maxDuration, nonRetryable);
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialDelay=" + initialDelay + ", backoff=" + backoff
        + (backoff == Backoff.EXPONENTIAL ? ", multiplier=" + multiplier : "") + (maxDelay == null ? "" : ", maxDelay=" + maxDelay)
        + (jitter == 0 ? "" : ", jitter=" + jitter) + (maxDuration == null ? "" : ", maxDuration=" + maxDuration)
        + (nonRetryable.isEmpty() ? "" : ", nonRetryable=" + nonRetryable) + "]";
  }

  /** Builds a {@link RetryPolicy}. Not thread-safe; each {@link #build()} returns an independent policy. */
  public static final class Builder {
    private int maxAttempts = 3;
    private Duration initialDelay = Duration.ofSeconds(1);
    private Backoff backoff = Backoff.EXPONENTIAL;
    private double multiplier = 2.0;
    private Duration maxDelay;
    private double jitter;
    private Duration maxDuration;
    private final Set<String> nonRetryable = new LinkedHashSet<>();

    private Builder() {}

    /**
     * Sets the number of attempts.
     *
     * @param attempts attempts in all, the first included: 1 (no retry) to 100
     * @return this builder
     * @throws IllegalArgumentException when below 1
     */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1, got " + attempts);
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Sets the delay before the first retry.
     *
     * @param delay 100 ms to 7 days
     * @return this builder
     * @throws IllegalArgumentException when negative or zero
     */
    public Builder initialDelay(Duration delay) {
      this.initialDelay = positive("initialDelay", delay);
      return this;
    }

    /**
     * Every retry waits the initial delay (with jitter).
     *
     * @return this builder
     */
    public Builder fixed() {
      this.backoff = Backoff.FIXED;
      return this;
    }

    /**
     * Each delay is {@code multiplier} times the previous one, at most {@code maxDelay}.
     *
     * @param multiplier 1.0 to 100
     * @param maxDelay the longest delay, at most 7 days
     * @return this builder
     * @throws IllegalArgumentException when the multiplier is below 1 or the delay not positive
     */
    public Builder exponential(double multiplier, Duration maxDelay) {
      if (!(multiplier >= 1.0)) throw new IllegalArgumentException("multiplier must be at least 1.0, got " + multiplier);
      this.backoff = Backoff.EXPONENTIAL;
      this.multiplier = multiplier;
      this.maxDelay = positive("maxDelay", maxDelay);
      return this;
    }

    /**
     * Randomizes each delay by up to this fraction either way (0.5 turns 10 s into 5 to 15 s).
     *
     * @param fraction 0 to 1
     * @return this builder
     * @throws IllegalArgumentException when outside [0, 1]
     */
    public Builder jitter(double fraction) {
      if (!(fraction >= 0 && fraction <= 1)) throw new IllegalArgumentException("jitter must be between 0 and 1, got " + fraction);
      this.jitter = fraction;
      return this;
    }

    /**
     * No retry starts later than this after the first attempt started.
     *
     * @param limit at most 30 days
     * @return this builder
     * @throws IllegalArgumentException when not positive
     */
    public Builder maxDuration(Duration limit) {
      this.maxDuration = positive("maxDuration", limit);
      return this;
    }

    /**
     * Adds error types that end the execution without retry.
     *
     * @param errorTypes exception class names (for example {@code java.lang.IllegalArgumentException};
     *     a subclass matches when its worker knows the class) or {@code taskgrid.*} types such as
     *     {@code taskgrid.Timeout}
     * @return this builder
     * @throws NullPointerException when a type is null
     */
    public Builder nonRetryable(String... errorTypes) {
      for (String t : errorTypes) nonRetryable.add(Objects.requireNonNull(t, "errorType"));
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return an immutable policy
     */
    public RetryPolicy build() {
      return new RetryPolicy(this);
    }

    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive, got " + d);
      return d;
    }
  }
}
