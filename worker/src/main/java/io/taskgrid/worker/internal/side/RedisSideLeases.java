package io.taskgrid.worker.internal.side;

import io.taskgrid.core.keyspace.Keyspace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Side task leases in Redis: a string key per task ({@link Keyspace#sideLease}) holding the id of
 * the worker that runs it, set NX with an expiry, renewed and released only by that worker (Lua
 * scripts under {@code io/taskgrid/worker/side}); the state hash ({@link Keyspace#sideState}) is
 * written in the same scripts.
 */
final class RedisSideLeases implements SideLeases {
  private static final String ACQUIRE = load("acquire.lua");
  private static final String RENEW = load("renew.lua");
  private static final String RELEASE = load("release.lua");
  private static final String FAILED = load("failed.lua");
  private static final String RESTARTED = load("restarted.lua");

  private final RedissonClient redisson;
  private final Keyspace keys;
  private final String workerId;

  RedisSideLeases(RedissonClient redisson, Keyspace keys, String workerId) {
    this.redisson = redisson;
    this.keys = keys;
    this.workerId = workerId;
  }

  @Override
  public boolean acquire(String taskId, Duration lease, Instant now) {
    return eval(ACQUIRE, taskId, workerId, Long.toString(lease.toMillis()), Long.toString(now.toEpochMilli())) == 1;
  }

  @Override
  public boolean renew(String taskId, Duration lease) {
    return eval(RENEW, taskId, workerId, Long.toString(lease.toMillis())) == 1;
  }

  @Override
  public void restarted(String taskId, Instant now) {
    eval(RESTARTED, taskId, workerId, Long.toString(now.toEpochMilli()));
  }

  @Override
  public void failed(String taskId, String error, Instant at) {
    eval(FAILED, taskId, workerId, error, Long.toString(at.toEpochMilli()));
  }

  @Override
  public void release(String taskId, boolean forget) {
    eval(RELEASE, taskId, workerId, forget ? "1" : "0");
  }

  private long eval(String script, String taskId, String... args) {
    Long reply = redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, script, RScript.ReturnType.LONG,
        List.of(keys.sideLease(taskId), keys.sideState(taskId)), (Object[]) args);
    return reply == null ? 0 : reply;
  }

  private static String load(String name) {
    try (InputStream in = RedisSideLeases.class.getResourceAsStream("/io/taskgrid/worker/side/" + name)) {
      if (in == null) throw new IllegalStateException("missing script " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
