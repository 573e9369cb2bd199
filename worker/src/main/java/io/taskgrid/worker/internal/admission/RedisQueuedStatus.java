package io.taskgrid.worker.internal.admission;

import io.taskgrid.core.keyspace.Entries;
import io.taskgrid.core.keyspace.Keyspace;
import java.util.List;
import java.util.function.BiConsumer;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Marks an execution QUEUED in its record ({@code mark-queued.lua}), with what it waits for (rate
 * budget or a concurrency permit, for the statistics), and publishes the change.
 */
public final class RedisQueuedStatus implements BiConsumer<String, Boolean> {
  private static final String MARK = Entries.LUA + Keyspace.LUA + Scripts.load("mark-queued.lua");

  private final RedissonClient redisson;
  private final Keyspace keys;

  public RedisQueuedStatus(RedissonClient redisson, Keyspace keys) {
    this.redisson = redisson;
    this.keys = keys;
  }

  @Override
  public void accept(String executionId, Boolean forRate) {
    redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, MARK, RScript.ReturnType.LONG, List.of(),
        keys.execution(executionId), keys.changes(), executionId, Boolean.TRUE.equals(forRate) ? "L" : "Q");
  }
}
