package io.taskgrid.client;

import java.util.Objects;

/**
 * A cluster-wide limit on how many executions sharing a key run at once, and what happens to one
 * that finds the limit reached. Immutable; made with {@link #key(String)}.
 *
 * <pre>{@code
 * // one report per tenant at a time; later ones wait their turn
 * ConcurrencyPolicy.key("report:" + tenant).limit(1).overlap(ConcurrencyPolicy.Overlap.QUEUE).build();
 * }</pre>
 *
 * <p>The coordinator validates the values (key 1 to 200 characters of letters, digits and {@code
 * . _ - : /}, limit 1 to 10,000, at most 100,000 queued) and rejects bad ones with a {@link
 * TaskgridInvalidArgumentException}.
 */
public final class ConcurrencyPolicy {
  /** What happens to an execution that finds the limit reached. */
  public enum Overlap {
    /** No limit is enforced: executions run side by side (the default). */
    ALLOW,
    /** The new execution ends SKIPPED, reason {@code previous_instance_running}. */
    SKIP,
    /** The new execution waits, QUEUED, first come first served, and starts when a permit frees. */
    QUEUE,
    /** The running execution is cancelled (CANCELLED, reason {@code replaced}), then the new one starts. */
    REPLACE
  }

  private final String key;
  private final int limit;
  private final Overlap overlap;
  private final int maxQueued;

  private ConcurrencyPolicy(Builder b) {
    this.key = b.key;
    this.limit = b.limit;
    this.overlap = b.overlap;
    this.maxQueued = b.maxQueued;
  }

  /**
   * Starts a policy for the executions sharing {@code key}.
   *
   * @param key the key; empty means the registered task's id (a plain submission must name one)
   * @return a builder with limit 1, overlap {@link Overlap#ALLOW} and the default queue bound (1,000)
   */
  public static Builder key(String key) {
    return new Builder(key);
  }

  /** @return the key executions share */
  public String key() {
    return key;
  }

  /** @return how many may run at once */
  public int limit() {
    return limit;
  }

  /** @return what happens to one that finds the limit reached */
  public Overlap overlap() {
    return overlap;
  }

  /** @return for {@link Overlap#QUEUE}: how many may wait; 0 means the default (1,000) */
  public int maxQueued() {
    return maxQueued;
  }

  /** Equal when every value is equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ConcurrencyPolicy p && key.equals(p.key) && limit == p.limit && overlap == p.overlap && maxQueued == p.maxQueued;
  }

  /** Hashes every value. */
  @Override
  public int hashCode() {
    return Objects.hash(key, limit, overlap, maxQueued);
  }

  @Override
  public String toString() {
    return "ConcurrencyPolicy[key=" + key + ", limit=" + limit + ", overlap=" + overlap + ", maxQueued=" + maxQueued + "]";
  }

  /** Builds a {@link ConcurrencyPolicy}. */
  public static final class Builder {
    private final String key;
    private int limit = 1;
    private Overlap overlap = Overlap.ALLOW;
    private int maxQueued;

    private Builder(String key) {
      this.key = Objects.requireNonNull(key, "key");
    }

    /**
     * @param limit how many executions may run at once (1 is single instance)
     * @return this builder
     */
    public Builder limit(int limit) {
      this.limit = limit;
      return this;
    }

    /**
     * @param overlap what happens to an execution that finds the limit reached
     * @return this builder
     */
    public Builder overlap(Overlap overlap) {
      this.overlap = Objects.requireNonNull(overlap, "overlap");
      return this;
    }

    /**
     * @param maxQueued for {@link Overlap#QUEUE}: how many may wait; one beyond ends SKIPPED, reason {@code queue_full}
     * @return this builder
     */
    public Builder maxQueued(int maxQueued) {
      this.maxQueued = maxQueued;
      return this;
    }

    /** @return the policy */
    public ConcurrencyPolicy build() {
      return new ConcurrencyPolicy(this);
    }
  }
}
