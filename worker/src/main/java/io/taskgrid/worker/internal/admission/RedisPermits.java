package io.taskgrid.worker.internal.admission;

import io.taskgrid.core.keyspace.Keyspace;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * {@link Permits} on Redisson's {@link RPermitExpirableSemaphore}: one semaphore per key and
 * limit ({@code tg:<ns>:permits:<key>:<limit>}), so a changed limit takes effect at once with a
 * fresh semaphore (executions still holding the old one finish under it: during the change up to
 * old + new limit may run). Who holds a key's permits is kept beside it in a sorted set scored by
 * lease expiry ({@code tg:<ns>:holders:<key>}), for REPLACE.
 */
public final class RedisPermits implements Permits {
  /**
   * KEYS[1] the key's newest candidate (hash us, id). ARGV: acceptedAtMicros id ttlMs. Returns 1
   * when ARGV's is the newest. Microseconds since the epoch (about 1.8e15) are exact in Lua's
   * doubles (up to 9e15).
   */
  private static final String NEWEST = """
      local cur = redis.call('HMGET', KEYS[1], 'us', 'id')
      local t = tonumber(ARGV[1])
      if cur[1] and (tonumber(cur[1]) > t or (tonumber(cur[1]) == t and cur[2] > ARGV[2])) then return 0 end
      redis.call('HSET', KEYS[1], 'us', ARGV[1], 'id', ARGV[2])
      redis.call('PEXPIRE', KEYS[1], ARGV[3])
      return 1
      """;
  private static final Duration NEWEST_TTL = Duration.ofHours(1);

  private final RedissonClient redisson;
  private final Keyspace keys;
  private final Clock clock;
  private final Set<String> initialized = ConcurrentHashMap.newKeySet();

  public RedisPermits(RedissonClient redisson, Keyspace keys, Clock clock) {
    this.redisson = redisson;
    this.keys = keys;
    this.clock = clock;
  }

  private RPermitExpirableSemaphore semaphore(String key, int limit) {
    String name = keys.prefix() + "permits:" + key + ":" + limit;
    RPermitExpirableSemaphore s = redisson.getPermitExpirableSemaphore(name);
    if (initialized.add(name)) s.trySetPermits(limit);
    return s;
  }

  private RScoredSortedSet<String> holdersOf(String key) {
    return redisson.getScoredSortedSet(keys.prefix() + "holders:" + key, StringCodec.INSTANCE);
  }

  @Override
  public Optional<Permit> tryAcquire(String key, int limit, String executionId, Duration lease) {
    RPermitExpirableSemaphore s = semaphore(key, limit);
    String id = tryAcquire(s, lease);
    // after Redis lost its data the semaphore has no permits at all: set them again, once
    if (id == null && s.trySetPermits(limit)) id = tryAcquire(s, lease);
    if (id == null) return Optional.empty();
    RScoredSortedSet<String> holders = holdersOf(key);
    holders.add(clock.millis() + lease.toMillis(), executionId);
    holders.expire(lease.multipliedBy(2));
    return Optional.of(new Permit(key, limit, executionId, id));
  }

  private static String tryAcquire(RPermitExpirableSemaphore s, Duration lease) {
    try {
      return s.tryAcquire(0, lease.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Override
  public Set<Permit> renew(Collection<Permit> permits, Duration lease) {
    Set<Permit> lost = new HashSet<>();
    long expiry = clock.millis() + lease.toMillis();
    for (Permit p : permits) {
      if (!semaphore(p.key(), p.limit()).updateLeaseTime(p.id(), lease.toMillis(), TimeUnit.MILLISECONDS)) lost.add(p);
      RScoredSortedSet<String> holders = holdersOf(p.key());
      holders.add(expiry, p.executionId());
      holders.expire(lease.multipliedBy(2));
    }
    return lost;
  }

  @Override
  public void release(Permit p) {
    holdersOf(p.key()).remove(p.executionId());
    semaphore(p.key(), p.limit()).tryRelease(p.id());
  }

  @Override
  public boolean newest(String key, String executionId, long acceptedAtMicros) {
    String k = keys.prefix() + "newest:" + key;
    Long r = redisson.getScript(StringCodec.INSTANCE).eval(k, org.redisson.api.RScript.Mode.READ_WRITE, NEWEST,
        org.redisson.api.RScript.ReturnType.LONG, java.util.List.of(k), Long.toString(acceptedAtMicros), executionId,
        Long.toString(NEWEST_TTL.toMillis()));
    return r != null && r == 1;
  }

  @Override
  public Set<String> holders(String key) {
    return new HashSet<>(holdersOf(key).valueRange(clock.millis(), true, Double.POSITIVE_INFINITY, true));
  }
}
