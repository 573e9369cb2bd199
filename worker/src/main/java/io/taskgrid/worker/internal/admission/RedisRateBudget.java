package io.taskgrid.worker.internal.admission;

import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.policy.RateLimitPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RScript;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

/**
 * {@link RateBudget} in Redis, one budget per key, limit and period (so a changed limit starts a
 * fresh budget). SLIDING is Redisson's {@link RRateLimiter} ({@link RateType#OVERALL}: one budget
 * for every worker), a log of the starts of the last period; FIXED is a counter per epoch-aligned
 * window ({@code fixed-window.lua}), cheaper, but allowing up to twice the limit across a window
 * boundary.
 */
public final class RedisRateBudget implements RateBudget {
  private static final String FIXED = Scripts.load("fixed-window.lua");

  private final RedissonClient redisson;
  private final Keyspace keys;
  private final Clock clock;
  private final Recheck recheck;
  private final Set<String> initialized = ConcurrentHashMap.newKeySet();

  public RedisRateBudget(RedissonClient redisson, Keyspace keys, Clock clock, Duration lease) {
    this.redisson = redisson;
    this.keys = keys;
    this.clock = clock;
    this.recheck = new Recheck(lease);
  }

  private String name(RateLimitPolicy p) {
    return keys.prefix() + "rate:" + p.window().name().toLowerCase() + ":" + p.key() + ":" + p.limit() + ":" + p.period().toMillis();
  }

  @Override
  public Duration tryStart(RateLimitPolicy p) {
    return switch (p.window()) {
      case SLIDING -> sliding(p) ? Duration.ZERO : recheck.rate(p);
      case FIXED -> fixed(p);
    };
  }

  private boolean sliding(RateLimitPolicy p) {
    String name = name(p);
    RRateLimiter limiter = redisson.getRateLimiter(name);
    Duration interval = countedInterval(p.period());
    if (initialized.add(name)) limiter.trySetRate(RateType.OVERALL, p.limit(), interval);
    try {
      return limiter.tryAcquire();
    } catch (RedisException e) {
      // Redis lost the limiter's configuration (restart without persistence): set it again
      limiter.trySetRate(RateType.OVERALL, p.limit(), interval);
      return limiter.tryAcquire();
    }
  }

  /**
   * The interval the sliding log counts over: the period and a guard of a twentieth of it (at most
   * 50 ms). A start is counted when admitted; the handler starts a few milliseconds later, after
   * the claim, and that delay varies. Without the guard, an admission that waited little and one
   * that waited long could put limit + 1 handler starts inside one period.
   */
  static Duration countedInterval(Duration period) {
    long guard = Math.min(50, period.toMillis() / 20);
    return period.plusMillis(guard);
  }

  private Duration fixed(RateLimitPolicy p) {
    FixedWindow window = new FixedWindow(p.period());
    var now = clock.instant();
    String counter = name(p) + ":" + window.index(now);
    Duration left = window.untilNext(now);
    Long taken = redisson.getScript(StringCodec.INSTANCE).eval(counter, RScript.Mode.READ_WRITE, FIXED, RScript.ReturnType.LONG,
        List.of(counter), Integer.toString(p.limit()), Long.toString(left.toMillis() + 1000));
    return taken != null && taken == 1 ? Duration.ZERO : left;
  }
}
