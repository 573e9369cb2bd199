package io.taskgrid.client;

import java.time.Duration;
import java.util.Objects;

/**
 * A cluster-wide limit on how many executions start per period, counted per key: every worker
 * shares one budget. Immutable; made with {@link #of(int, Duration)}.
 *
 * <pre>{@code
 * // at most 10 calls to the partner API per second, whichever worker makes them
 * RateLimitPolicy.of(10, Duration.ofSeconds(1)).key("partner-api").build();
 * }</pre>
 */
public final class RateLimitPolicy {
  /** How starts are counted. */
  public enum Window {
    /** In no interval of length {@code period}, wherever it begins, do more than {@code limit} start (the default). */
    SLIDING,
    /** At most {@code limit} start in each epoch-aligned window; up to twice that across a window boundary. */
    FIXED
  }

  /** What happens to an execution over the budget. */
  public enum Excess {
    /** It waits, QUEUED, and starts when the budget allows (the default). */
    DELAY,
    /** It ends SKIPPED, reason {@code rate_limited}. */
    DROP
  }

  private final String key;
  private final int limit;
  private final Duration period;
  private final Window window;
  private final Excess onExcess;

  private RateLimitPolicy(Builder b) {
    this.key = b.key;
    this.limit = b.limit;
    this.period = b.period;
    this.window = b.window;
    this.onExcess = b.onExcess;
  }

  /**
   * Starts a policy of {@code limit} starts per {@code period}.
   *
   * @param limit starts per period, 1 to 1,000,000
   * @param period 1 ms to 1 day
   * @return a builder with the handler's name as key, a sliding window and excess delayed
   */
  public static Builder of(int limit, Duration period) {
    return new Builder(limit, period);
  }

  /** @return the budget's key; empty means the handler's name */
  public String key() {
    return key;
  }

  /** @return starts allowed per period */
  public int limit() {
    return limit;
  }

  /** @return the period */
  public Duration period() {
    return period;
  }

  /** @return how starts are counted */
  public Window window() {
    return window;
  }

  /** @return what happens to an execution over the budget */
  public Excess onExcess() {
    return onExcess;
  }

  /** Equal when every value is equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof RateLimitPolicy p && key.equals(p.key) && limit == p.limit && period.equals(p.period) && window == p.window
        && onExcess == p.onExcess;
  }

  /** Hashes every value. */
  @Override
  public int hashCode() {
    return Objects.hash(key, limit, period, window, onExcess);
  }

  @Override
  public String toString() {
    return "RateLimitPolicy[key=" + key + ", limit=" + limit + ", period=" + period + ", window=" + window + ", onExcess=" + onExcess + "]";
  }

  /** Builds a {@link RateLimitPolicy}. */
  public static final class Builder {
    private String key = "";
    private final int limit;
    private final Duration period;
    private Window window = Window.SLIDING;
    private Excess onExcess = Excess.DELAY;

    private Builder(int limit, Duration period) {
      this.limit = limit;
      this.period = Objects.requireNonNull(period, "period");
    }

    /**
     * @param key the budget's key: executions of any handler naming it share the budget
     * @return this builder
     */
    public Builder key(String key) {
      this.key = Objects.requireNonNull(key, "key");
      return this;
    }

    /**
     * @param window how starts are counted
     * @return this builder
     */
    public Builder window(Window window) {
      this.window = Objects.requireNonNull(window, "window");
      return this;
    }

    /**
     * @param onExcess what happens to an execution over the budget
     * @return this builder
     */
    public Builder onExcess(Excess onExcess) {
      this.onExcess = Objects.requireNonNull(onExcess, "onExcess");
      return this;
    }

    /** @return the policy */
    public RateLimitPolicy build() {
      return new RateLimitPolicy(this);
    }
  }
}
