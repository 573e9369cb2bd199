package io.taskgrid.core.policy;

import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.NameRule;

/**
 * At most {@code limit} executions sharing {@code key} run at once, cluster-wide; {@code overlap}
 * says what happens to one that finds the limit reached.
 *
 * @param maxQueued for {@link Overlap#QUEUE}: how many may wait for the key
 */
public record ConcurrencyPolicy(String key, int limit, Overlap overlap, int maxQueued) {
  public static final int MAX_LIMIT = 10_000;
  public static final int MAX_QUEUED = 100_000;
  public static final int DEFAULT_MAX_QUEUED = 1_000;

  /** What happens to an execution that finds its concurrency limit reached. */
  public enum Overlap {
    /** No limit is enforced. */
    ALLOW,
    /** It ends SKIPPED, reason {@code previous_instance_running}. */
    SKIP,
    /** It waits for a permit, first come first served, without holding a worker slot. */
    QUEUE,
    /** The running execution is cancelled (reason {@code replaced}) and this one starts. */
    REPLACE
  }

  public ConcurrencyPolicy {
    NameRule.NAME.check("concurrency.key", key);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidArgumentException("concurrency.limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    if (overlap == null) throw new InvalidArgumentException("concurrency.overlap", "must be ALLOW, SKIP, QUEUE or REPLACE");
    if (maxQueued < 1 || maxQueued > MAX_QUEUED) {
      throw new InvalidArgumentException("concurrency.max_queued", "must be between 1 and " + MAX_QUEUED + ", got " + maxQueued);
    }
  }

  /**
   * A policy from request values where zero or null means the default (limit 1, ALLOW, 1,000
   * queued); an empty key is {@code defaultKey} (a registered task's id), or an error when there is
   * none.
   */
  public static ConcurrencyPolicy of(String key, int limit, Overlap overlap, int maxQueued, String defaultKey) {
    String k = key == null || key.isEmpty() ? defaultKey : key;
    if (k == null || k.isEmpty()) {
      throw new InvalidArgumentException("concurrency.key", "must be set (executions that share a key share the limit)");
    }
    return new ConcurrencyPolicy(k, limit == 0 ? 1 : limit, overlap == null ? Overlap.ALLOW : overlap,
        maxQueued == 0 ? DEFAULT_MAX_QUEUED : maxQueued);
  }

  /** Whether the limit is enforced at all. */
  public boolean enforced() {
    return overlap != Overlap.ALLOW;
  }
}
