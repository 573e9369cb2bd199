package io.taskgrid.worker.internal.admission;

import io.taskgrid.core.keyspace.Entries;
import io.taskgrid.core.keyspace.Keyspace;
import java.util.List;
import java.util.function.Consumer;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** Marks an execution QUEUED in its record ({@code mark-queued.lua}) and publishes the change. */
public final class RedisQueuedStatus implements Consumer<String> {
  private static final String MARK = Entries.LUA + Keyspace.LUA + Scripts.load("mark-queued.lua");

  private final RedissonClient redisson;
  private final Keyspace keys;

  public RedisQueuedStatus(RedissonClient redisson, Keyspace keys) {
    this.redisson = redisson;
    this.keys = keys;
  }

  @Override
  public void accept(String executionId) {
    redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, MARK, RScript.ReturnType.LONG, List.of(),
        keys.execution(executionId), keys.changes(), executionId);
  }
}
