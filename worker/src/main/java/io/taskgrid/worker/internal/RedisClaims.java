package io.taskgrid.worker.internal;

import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.proto.v1.TaskMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Claims on executions, in Redis. A claim is a key holding the worker id with an expiry (the
 * lease); it is what stops a redelivered message from running an execution twice. The claim
 * script also moves the execution to RUNNING (rebuilding its record from the message if the store
 * lost it) and publishes the change.
 */
public final class RedisClaims {
  /**
   * KEYS: exec, claim. ARGV: worker leaseMs nowMs channel id handler submittedAt priority timeoutMs
   * idemKey [labelKey labelValue]...
   */
  private static final String CLAIM =
      """
      local s = redis.call('HGET', KEYS[1], 's')
      if s == 'SUCCEEDED' or s == 'FAILED' or s == 'TIMEOUT' then return 'DONE:' .. s end
      local owner = redis.call('GET', KEYS[2])
      if owner then
        if owner == ARGV[1] then return 'MINE:' .. owner end
        return 'HELD:' .. owner
      end
      redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
      if not s then
        redis.call('HSET', KEYS[1], 'id', ARGV[5], 'h', ARGV[6], 'sub', ARGV[7], 'p', ARGV[8], 't', ARGV[9], 'k', ARGV[10], 'a', '0')
        for i = 11, #ARGV, 2 do redis.call('HSET', KEYS[1], 'l:' .. ARGV[i], ARGV[i + 1]) end
      end
      local attempt = redis.call('HINCRBY', KEYS[1], 'a', 1)
      redis.call('HSET', KEYS[1], 's', 'RUNNING', 'st', ARGV[3], 'w', ARGV[1])
      redis.call('PUBLISH', ARGV[4], ARGV[5] .. '|RUNNING')
      return 'OK:' .. attempt
      """;

  /** KEYS: claim, exec. ARGV: worker leaseMs. 1 = renewed, 2 = already finished, 0 = lost. */
  private static final String RENEW =
      """
      if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
      local s = redis.call('HGET', KEYS[2], 's')
      if s == 'SUCCEEDED' or s == 'FAILED' or s == 'TIMEOUT' then return 2 end
      return 0
      """;

  private final RedissonClient redisson;
  private final Keyspace keys;
  private final String workerId;
  private final Duration lease;
  private final Clock clock;

  public RedisClaims(RedissonClient redisson, Keyspace keys, String workerId, Duration lease, Clock clock) {
    this.redisson = redisson;
    this.keys = keys;
    this.workerId = workerId;
    this.lease = lease;
    this.clock = clock;
  }

  /** Claims each delivery's execution, in one round trip; throws when Redis cannot be reached. */
  public List<ClaimResult> claim(List<Delivery> deliveries) {
    RBatch batch = redisson.createBatch(BatchOptions.defaults());
    RScriptAsync script = batch.getScript(StringCodec.INSTANCE);
    List<RFuture<String>> replies = new ArrayList<>(deliveries.size());
    String now = Long.toString(clock.millis());
    for (Delivery d : deliveries) {
      TaskMessage m = d.message();
      String id = m.getExecutionId();
      List<Object> args = new ArrayList<>(12 + m.getLabelsCount() * 2);
      args.add(workerId);
      args.add(Long.toString(lease.toMillis()));
      args.add(now);
      args.add(keys.changes());
      args.add(id);
      args.add(m.getHandler());
      args.add(Long.toString(m.getEnqueuedAt().getSeconds() * 1000 + m.getEnqueuedAt().getNanos() / 1_000_000));
      args.add(priorityName(m.getPriorityValue()));
      args.add(Long.toString(m.getTimeout().getSeconds() * 1000 + m.getTimeout().getNanos() / 1_000_000));
      args.add(m.getIdempotencyKey());
      m.getLabelsMap().forEach((k, v) -> {
        args.add(k);
        args.add(v);
      });
      replies.add(script.evalAsync(RScript.Mode.READ_WRITE, CLAIM, RScript.ReturnType.STRING,
          List.of(keys.execution(id), keys.claim(id)), args.toArray()));
    }
    batch.execute();
    List<ClaimResult> out = new ArrayList<>(replies.size());
    for (RFuture<String> r : replies) out.add(ClaimResult.parse(r.toCompletableFuture().join()));
    return out;
  }

  /**
   * Extends the leases of the given executions; returns the ids whose claim this worker lost
   * before their outcome was recorded (an outcome recorded but not yet acknowledged is not lost).
   */
  public Set<String> renew(Collection<String> executionIds) {
    if (executionIds.isEmpty()) return Set.of();
    RBatch batch = redisson.createBatch(BatchOptions.defaults());
    RScriptAsync script = batch.getScript(StringCodec.INSTANCE);
    List<String> ids = List.copyOf(executionIds);
    List<RFuture<Long>> replies = new ArrayList<>(ids.size());
    for (String id : ids) {
      replies.add(script.evalAsync(RScript.Mode.READ_WRITE, RENEW, RScript.ReturnType.LONG, List.of(keys.claim(id), keys.execution(id)),
          workerId, Long.toString(lease.toMillis())));
    }
    batch.execute();
    Set<String> lost = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      if (replies.get(i).toCompletableFuture().join() == 0L) lost.add(ids.get(i));
    }
    return lost;
  }

  private static String priorityName(int value) {
    return switch (value) {
      case 1 -> "CRITICAL";
      case 2 -> "HIGH";
      case 4 -> "LOW";
      case 5 -> "BACKGROUND";
      default -> "MEDIUM";
    };
  }
}
