package io.taskgrid.worker.internal.admission;

import io.taskgrid.core.policy.RateLimitPolicy;
import java.time.Duration;

/**
 * How long a waiting execution waits before asking again. Short enough that a freed permit or a
 * new budget is used promptly, long enough that hundreds of waiting executions do not flood Redis,
 * and always well inside {@code lease} so a waiting entry's lease never lapses while its worker lives.
 */
public record Recheck(Duration lease) {
  static final Duration MIN = Duration.ofMillis(10);
  static final Duration HEAD = Duration.ofMillis(20);
  static final Duration MAX = Duration.ofSeconds(1);

  /** For an execution at {@code position} in its queue (0 the head): the farther back, the longer. */
  public Duration queued(long position) {
    return cap(HEAD.plusMillis(Math.min(position, 100) * 10));
  }

  /** For one waiting for a running execution to end (REPLACE). */
  public Duration replacing() {
    return cap(HEAD);
  }

  /** For one over a sliding rate budget: the mean gap between starts (period / limit). */
  public Duration rate(RateLimitPolicy p) {
    return cap(p.period().dividedBy(p.limit()));
  }

  private Duration cap(Duration d) {
    Duration third = Duration.ofMillis(lease.toMillis() / 3);
    Duration max = third.compareTo(MAX) < 0 ? third : MAX;
    if (d.compareTo(MIN) < 0) return MIN;
    return d.compareTo(max) > 0 ? max : d;
  }
}
