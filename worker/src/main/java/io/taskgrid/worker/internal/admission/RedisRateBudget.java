package io.taskgrid.worker.internal.admission;

import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.policy.RateLimitPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * {@link RateBudget} in Redis, one budget per key, limit and period (so a changed limit starts a
 * fresh budget). SLIDING is a log of the starts of the last period ({@code sliding-log.lua}),
 * stamped with Redis's clock; FIXED is a counter per epoch-aligned window ({@code
 * fixed-window.lua}), allowing up to twice the limit across a window boundary.
 *
 * <p>Why not Redisson's {@code RRateLimiter} for SLIDING: it is a sliding log too, but stamps each
 * start with the client's clock when the command is built. A command that waits in a busy
 * client's queue is logged in the past, the window frees early, and more than {@code limit}
 * handlers start within one period (measured: 15 in a second for a limit of 10, three workers on a
 * loaded machine). Stamping in the script with {@code TIME} makes one clock for all workers.
 */
public final class RedisRateBudget implements RateBudget {
  private static final String FIXED = Scripts.load("fixed-window.lua");
  private static final String SLIDING = Scripts.load("sliding-log.lua");
  private static final String SLIDING_STARTED = Scripts.load("sliding-started.lua");

  private final RedissonClient redisson;
  private final Keyspace keys;
  private final Clock clock;
  private final Recheck recheck;

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
  public Duration tryStart(RateLimitPolicy p, String executionId) {
    return switch (p.window()) {
      case SLIDING -> sliding(p, executionId);
      case FIXED -> fixed(p);
    };
  }

  @Override
  public void handlerStarted(RateLimitPolicy p, String executionId) {
    if (p.window() != RateLimitPolicy.Window.SLIDING) return; // a fixed window counts admissions in the window they fall in
    String log = name(p);
    redisson.getScript(StringCodec.INSTANCE).eval(log, RScript.Mode.READ_WRITE, SLIDING_STARTED, RScript.ReturnType.LONG,
        List.of(log), Long.toString(countedInterval(p.period()).toMillis()), executionId);
  }

  private Duration sliding(RateLimitPolicy p, String executionId) {
    String log = name(p);
    Long wait = redisson.getScript(StringCodec.INSTANCE).eval(log, RScript.Mode.READ_WRITE, SLIDING, RScript.ReturnType.LONG,
        List.of(log), Integer.toString(p.limit()), Long.toString(countedInterval(p.period()).toMillis()), executionId);
    if (wait == null || wait == 0) return Duration.ZERO;
    // ask again when the oldest start leaves the log, but not later than the usual recheck (others may be faster)
    Duration exact = Duration.ofMillis(wait);
    Duration usual = recheck.rate(p);
    return exact.compareTo(usual) < 0 ? exact : usual;
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
