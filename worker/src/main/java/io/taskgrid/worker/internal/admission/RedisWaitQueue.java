package io.taskgrid.worker.internal.admission;

import io.taskgrid.core.keyspace.Keyspace;
import java.time.Duration;
import java.util.List;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * {@link WaitQueue} in Redis: per key a sorted set of execution ids scored by arrival ({@code
 * tg:<ns>:queue:<key>}), and per entry a lease key ({@code tg:<ns>:queued:<id>}) that the waiting
 * worker renews each time it asks.
 */
public final class RedisWaitQueue implements WaitQueue {
  private static final String ENTER = Scripts.load("queue-enter.lua");

  private final RedissonClient redisson;
  private final Keyspace keys;

  public RedisWaitQueue(RedissonClient redisson, Keyspace keys) {
    this.redisson = redisson;
    this.keys = keys;
  }

  private String queue(String key) {
    return keys.prefix() + "queue:" + key;
  }

  private String leases() {
    return keys.prefix() + "queued:";
  }

  @Override
  public long enter(String key, String executionId, int maxQueued, Duration lease) {
    Long position = redisson.getScript(StringCodec.INSTANCE).eval(queue(key), RScript.Mode.READ_WRITE, ENTER, RScript.ReturnType.LONG,
        List.of(queue(key), queue(key) + ":seq"), leases(), executionId, Integer.toString(maxQueued), Long.toString(lease.toMillis()));
    return position == null ? FULL : position;
  }

  @Override
  public void leave(String key, String executionId) {
    redisson.getScoredSortedSet(queue(key), StringCodec.INSTANCE).remove(executionId);
    redisson.getBucket(leases() + executionId, StringCodec.INSTANCE).delete();
  }
}
