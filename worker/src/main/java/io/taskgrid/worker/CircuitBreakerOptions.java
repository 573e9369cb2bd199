package io.taskgrid.worker;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A handler's circuit breaker on this worker (Resilience4j's, count-based): it opens when, over
 * the last {@code slidingWindowSize} calls (and at least {@code minimumNumberOfCalls}), the
 * failure rate or the slow-call rate reaches its threshold; while open, executions fail fast with
 * {@code taskgrid.CircuitOpen} without calling the handler; after {@code waitInOpenState} it lets
 * {@code permittedCallsInHalfOpenState} probe calls through, whose outcome closes or reopens it.
 *
 * <p>A call fails when the handler throws (a timeout interrupts it, so it throws too), except for
 * {@link InvalidPayloadException} and the {@code ignored} exception types: those say the input was
 * bad, not that what the handler calls is down, and count neither way. A call is slow when the
 * handler ran longer than {@code slowCallDuration}, whatever its outcome.
 *
 * <pre>{@code
 * HandlerOptions.builder()
 *     .circuitBreaker(CircuitBreakerOptions.builder().failureRateThreshold(50).waitInOpenState(Duration.ofSeconds(30)).build())
 *     .build();
 * }</pre>
 *
 * @param failureRateThreshold percent of failed calls (over 0, at most 100) that opens the breaker
 * @param slowCallRateThreshold percent of slow calls (over 0, at most 100) that opens the breaker
 * @param slowCallDuration a call that runs longer is slow
 * @param minimumNumberOfCalls calls the window must hold before rates are computed (1 to the window size)
 * @param slidingWindowSize how many of the last calls the rates are computed over
 * @param waitInOpenState how long the breaker stays open before it lets probe calls through
 * @param permittedCallsInHalfOpenState probe calls that decide whether it closes again
 * @param ignored exception types (with their subclasses) that count neither as failure nor success
 */
public record CircuitBreakerOptions(
    float failureRateThreshold,
    float slowCallRateThreshold,
    Duration slowCallDuration,
    int minimumNumberOfCalls,
    int slidingWindowSize,
    Duration waitInOpenState,
    int permittedCallsInHalfOpenState,
    Set<Class<? extends Throwable>> ignored) {

  /** 50% failures or 100% slow calls (over 60 s) of the last 20 calls, at least 10; open for 30 s; 3 probes. */
  public static final CircuitBreakerOptions DEFAULTS = builder().build();

  public CircuitBreakerOptions {
    percent("failureRateThreshold", failureRateThreshold);
    percent("slowCallRateThreshold", slowCallRateThreshold);
    positive("slowCallDuration", slowCallDuration);
    positive("waitInOpenState", waitInOpenState);
    if (slidingWindowSize < 1) throw new IllegalArgumentException("slidingWindowSize must be at least 1, got " + slidingWindowSize);
    if (minimumNumberOfCalls < 1 || minimumNumberOfCalls > slidingWindowSize) {
      throw new IllegalArgumentException("minimumNumberOfCalls must be 1 to slidingWindowSize (" + slidingWindowSize + "), got "
          + minimumNumberOfCalls);
    }
    if (permittedCallsInHalfOpenState < 1) {
      throw new IllegalArgumentException("permittedCallsInHalfOpenState must be at least 1, got " + permittedCallsInHalfOpenState);
    }
    ignored = Set.copyOf(Objects.requireNonNull(ignored, "ignored"));
  }

  private static void percent(String name, float value) {
    if (!(value > 0 && value <= 100)) throw new IllegalArgumentException(name + " must be over 0 and at most 100 (percent), got " + value);
  }

  private static void positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) throw new IllegalArgumentException(name + " must be positive, got " + value);
  }

  /**
   * Whether a call that threw {@code error} counts as a failure: false for bad input ({@link
   * InvalidPayloadException}) and the {@code ignored} types, which count neither way.
   */
  public boolean countsAsFailure(Throwable error) {
    if (error instanceof InvalidPayloadException) return false;
    for (Class<? extends Throwable> type : ignored) {
      if (type.isInstance(error)) return false;
    }
    return true;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link CircuitBreakerOptions}; unset parts keep the defaults of {@link #DEFAULTS}. */
  public static final class Builder {
    private float failureRateThreshold = 50;
    private float slowCallRateThreshold = 100;
    private Duration slowCallDuration = Duration.ofSeconds(60);
    private int minimumNumberOfCalls = 10;
    private int slidingWindowSize = 20;
    private Duration waitInOpenState = Duration.ofSeconds(30);
    private int permittedCallsInHalfOpenState = 3;
    private final Set<Class<? extends Throwable>> ignored = new LinkedHashSet<>();

    private Builder() {}

    public Builder failureRateThreshold(float percent) {
      this.failureRateThreshold = percent;
      return this;
    }

    public Builder slowCallRateThreshold(float percent) {
      this.slowCallRateThreshold = percent;
      return this;
    }

    public Builder slowCallDuration(Duration duration) {
      this.slowCallDuration = duration;
      return this;
    }

    public Builder minimumNumberOfCalls(int calls) {
      this.minimumNumberOfCalls = calls;
      return this;
    }

    public Builder slidingWindowSize(int calls) {
      this.slidingWindowSize = calls;
      return this;
    }

    public Builder waitInOpenState(Duration wait) {
      this.waitInOpenState = wait;
      return this;
    }

    public Builder permittedCallsInHalfOpenState(int calls) {
      this.permittedCallsInHalfOpenState = calls;
      return this;
    }

    /** Exception types (with subclasses) that count neither as failure nor as success. */
    @SafeVarargs
    public final Builder ignore(Class<? extends Throwable>... types) {
      for (Class<? extends Throwable> t : types) ignored.add(Objects.requireNonNull(t));
      return this;
    }

    /** @throws IllegalArgumentException naming the first bad value */
    public CircuitBreakerOptions build() {
      return new CircuitBreakerOptions(failureRateThreshold, slowCallRateThreshold, slowCallDuration, minimumNumberOfCalls,
          slidingWindowSize, waitInOpenState, permittedCallsInHalfOpenState, ignored);
    }
  }
}
