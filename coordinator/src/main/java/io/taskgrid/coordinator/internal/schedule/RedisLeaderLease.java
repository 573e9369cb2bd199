package io.taskgrid.coordinator.internal.schedule;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership as a lease in Redis: a key holding the leader's id with a time to live, taken with
 * SET NX and renewed (only by its holder) well before it runs out. A leader that cannot renew
 * considers itself leader only until its last renewal's lease would have ended, measured from
 * before that renewal was sent, so it always stops before anyone else can start.
 */
public final class RedisLeaderLease implements LeaderElection {
  private static final Logger log = LoggerFactory.getLogger(RedisLeaderLease.class);
  private static final String ACQUIRE_OR_RENEW = """
      local holder = redis.call('GET', KEYS[1])
      if holder == ARGV[1] then
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
      elseif not holder then
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 2
      end
      return 0
      """;
  private static final String RELEASE = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
      return 0
      """;

  private final RedissonClient redisson;
  private final String key;
  private final String me;
  private final Duration lease;
  private final ScheduledExecutorService timer;
  private volatile long validUntilNanos = Long.MIN_VALUE;
  private volatile boolean leader;
  private volatile boolean resigned;

  public RedisLeaderLease(RedissonClient redisson, String key, String me, Duration lease) {
    this.redisson = redisson;
    this.key = key;
    this.me = me;
    this.lease = lease;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "taskgrid-leader-lease");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A leader renews every sixth of its lease. A standby asks at least every 500 ms,
   * however long the lease: a leader that stops cleanly deletes the key ({@link #resign}), and a
   * standby should take over then, not a lease later.
   */
  private static final long STANDBY_POLL_MS = 500;

  @Override
  public void start() {
    timer.execute(this::campaignAndReschedule);
  }

  private void campaignAndReschedule() {
    campaign();
    if (resigned) return;
    long renew = Math.max(50, lease.toMillis() / 6);
    long next = leader ? renew : Math.min(renew, STANDBY_POLL_MS);
    try {
      timer.schedule(this::campaignAndReschedule, next, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  private void campaign() {
    if (resigned) return;
    long sent = System.nanoTime();
    try {
      Long result = redisson.getScript(StringCodec.INSTANCE).eval(
          RScript.Mode.READ_WRITE, ACQUIRE_OR_RENEW, RScript.ReturnType.LONG, List.<Object>of(key), me, Long.toString(lease.toMillis()));
      if (result != null && result > 0) {
        validUntilNanos = sent + lease.toNanos() * 9 / 10;
        if (!leader) log.info("Coordinator {} now leads scheduling", me);
        leader = true;
      } else {
        if (leader) log.warn("Coordinator {} lost scheduling leadership (another coordinator holds the lease)", me);
        leader = false;
        validUntilNanos = Long.MIN_VALUE;
      }
    } catch (RuntimeException e) {
      if (leader && !isLeader()) {
        log.warn("Coordinator {} stops leading: its lease could not be renewed ({})", me, e.toString());
        leader = false;
      }
    }
  }

  @Override
  public Optional<Duration> leaseRemaining() {
    long left = validUntilNanos - System.nanoTime();
    return isLeader() ? Optional.of(Duration.ofNanos(left)) : Optional.empty();
  }

  @Override
  public boolean isLeader() {
    return leader && System.nanoTime() - validUntilNanos < 0;
  }

  @Override
  public void resign() {
    if (!leader) return;
    leader = false;
    validUntilNanos = Long.MIN_VALUE;
    try {
      redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, RELEASE, RScript.ReturnType.LONG, List.<Object>of(key), me);
    } catch (RuntimeException e) {
      // the lease runs out by itself
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    resigned = true;
    resign();
  }
}
