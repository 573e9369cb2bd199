package io.taskgrid.worker.internal;

import io.taskgrid.core.keyspace.Entries;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.proto.v1.TaskMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Claims on executions, in Redis. A claim is a key holding the worker id with an expiry (the
 * lease); it is what stops a redelivered message from running an execution twice. The claim
 * script also moves the execution to RUNNING (rebuilding its record from the message if the store
 * lost it) and publishes the change.
 */
public final class RedisClaims {
  /** Most executions per script call, so one call never blocks Redis for long. */
  private static final int CHUNK = 500;

  /**
   * KEYS: exec, claim per delivery. ARGV: worker leaseMs nowMs channel, then per delivery: id
   * handler submittedAt priority timeoutMs idemKey labelCount [labelKey labelValue]... Returns per
   * delivery 'OK:' .. attempt, 'MINE:', 'HELD:' .. owner or 'DONE:' .. status; publishes the
   * executions it moved to RUNNING as one change message.
   */
  private static final String CLAIM = Entries.LUA
      + """
      local out, changes = {}, {}
      local b = 5
      for i = 1, #KEYS / 2 do
        local e, c = KEYS[2 * i - 1], KEYS[2 * i]
        local id, nl = ARGV[b], tonumber(ARGV[b + 6])
        local s = redis.call('HGET', e, 's')
        if s == 'SUCCEEDED' or s == 'FAILED' or s == 'TIMEOUT' then
          out[i] = 'DONE:' .. s
        else
          local owner = redis.call('GET', c)
          if owner == ARGV[1] then
            out[i] = 'MINE:' .. owner
          elseif owner then
            out[i] = 'HELD:' .. owner
          else
            redis.call('SET', c, ARGV[1], 'PX', ARGV[2])
            if not s then
              redis.call('HSET', e, 'id', id, 'h', ARGV[b + 1], 'sub', ARGV[b + 2], 'p', ARGV[b + 3], 't', ARGV[b + 4], 'k', ARGV[b + 5], 'a', '0')
              for j = 0, nl - 1 do redis.call('HSET', e, 'l:' .. ARGV[b + 7 + 2 * j], ARGV[b + 8 + 2 * j]) end
            end
            local attempt = redis.call('HINCRBY', e, 'a', 1)
            redis.call('HSET', e, 's', 'RUNNING', 'st', ARGV[3], 'w', ARGV[1])
            changes[#changes + 1] = tg_entry(id, 'RUNNING', nil)
            out[i] = 'OK:' .. attempt
          end
        end
        b = b + 7 + 2 * nl
      end
      if #changes > 0 then redis.call('PUBLISH', ARGV[4], table.concat(changes)) end
      return out
      """;

  /** KEYS: claim, exec per execution. ARGV: worker leaseMs. Per execution: 1 = renewed, 2 = already finished, 0 = lost. */
  private static final String RENEW =
      """
      local out = {}
      for i = 1, #KEYS / 2 do
        local c, e = KEYS[2 * i - 1], KEYS[2 * i]
        if redis.call('GET', c) == ARGV[1] then
          redis.call('PEXPIRE', c, ARGV[2])
          out[i] = 1
        else
          local s = redis.call('HGET', e, 's')
          if s == 'SUCCEEDED' or s == 'FAILED' or s == 'TIMEOUT' then out[i] = 2 else out[i] = 0 end
        end
      end
      return out
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

  /** Claims each delivery's execution, one script call per {@value #CHUNK}; throws when Redis cannot be reached. */
  public List<ClaimResult> claim(List<Delivery> deliveries) {
    List<ClaimResult> out = new ArrayList<>(deliveries.size());
    String now = Long.toString(clock.millis());
    for (int from = 0; from < deliveries.size(); from += CHUNK) {
      List<Delivery> chunk = deliveries.subList(from, Math.min(deliveries.size(), from + CHUNK));
      List<Object> keyList = new ArrayList<>(chunk.size() * 2);
      List<Object> args = new ArrayList<>(4 + chunk.size() * 7);
      Collections.addAll(args, workerId, Long.toString(lease.toMillis()), now, keys.changes());
      for (Delivery d : chunk) {
        TaskMessage m = d.message();
        String id = m.getExecutionId();
        keyList.add(keys.execution(id));
        keyList.add(keys.claim(id));
        args.add(id);
        args.add(m.getHandler());
        args.add(Long.toString(m.getEnqueuedAt().getSeconds() * 1000 + m.getEnqueuedAt().getNanos() / 1_000_000));
        args.add(priorityName(m.getPriorityValue()));
        args.add(Long.toString(m.getTimeout().getSeconds() * 1000 + m.getTimeout().getNanos() / 1_000_000));
        args.add(m.getIdempotencyKey());
        args.add(Integer.toString(m.getLabelsCount()));
        m.getLabelsMap().forEach((k, v) -> {
          args.add(k);
          args.add(v);
        });
      }
      List<String> replies = redisson.getScript(StringCodec.INSTANCE)
          .eval(RScript.Mode.READ_WRITE, CLAIM, RScript.ReturnType.LIST, keyList, args.toArray());
      for (String r : replies) out.add(ClaimResult.parse(r));
    }
    return out;
  }

  /**
   * Extends the leases of the given executions; returns the ids whose claim this worker lost
   * before their outcome was recorded (an outcome recorded but not yet acknowledged is not lost).
   */
  public Set<String> renew(Collection<String> executionIds) {
    if (executionIds.isEmpty()) return Set.of();
    List<String> ids = List.copyOf(executionIds);
    Set<String> lost = new HashSet<>();
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
      List<Object> keyList = new ArrayList<>(chunk.size() * 2);
      for (String id : chunk) {
        keyList.add(keys.claim(id));
        keyList.add(keys.execution(id));
      }
      List<Long> replies = redisson.getScript(StringCodec.INSTANCE)
          .eval(RScript.Mode.READ_WRITE, RENEW, RScript.ReturnType.LIST, keyList, workerId, Long.toString(lease.toMillis()));
      for (int i = 0; i < chunk.size(); i++) {
        if (replies.get(i) == 0L) lost.add(chunk.get(i));
      }
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
