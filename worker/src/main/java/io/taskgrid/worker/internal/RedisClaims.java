package io.taskgrid.worker.internal;

import io.taskgrid.core.keyspace.Entries;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.keyspace.Packed;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.telemetry.CallTimer;
import io.taskgrid.telemetry.WorkerMeters;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
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
   * ARGV: prefix worker leaseMs nowMs channel packed, packed holding per delivery the attempt its
   * message is for (0 for a first attempt) and the record of {@code tg_new_record} ({@link
   * Keyspace#LUA}), used to rebuild a lost one. Returns, packed, per delivery 'OK:' .. attempt,
   * 'MINE:' .. worker, 'HELD:' .. owner, 'WAIT:' .. owner or 'DONE:' .. status; publishes the
   * executions it moved to RUNNING as one change message.
   *
   * <p>Retries are fenced by attempt: while an execution is RETRY_SCHEDULED, only the message of
   * the attempt it waits for ({@code na}) starts it; any other (a first attempt's redelivery, a
   * duplicate release of an older retry) is done without running. A retry message whose record was
   * lost rebuilds it at its own attempt. A retry message that comes while the attempt before it is
   * still claimed (its outcome, and so RETRY_SCHEDULED, not yet recorded: the coordinator writes
   * the retry to Kafka first) answers 'WAIT': it is not a redelivery of that run. Every other case
   * is as for first attempts.
   *
   * <p>An unclaimed execution with a cancel request (its worker died while it ran) or a cancel
   * tombstone (its record was lost) is ended CANCELLED instead: 'DONE:CANCELLED'.
   */
  private static final String CLAIM = Packed.LUA + Entries.LUA + Keyspace.LUA
      + """
      tg_stat_batch()
      local items = tg_unpack(ARGV[6])
      local out, changes = {}, {}
      local p = 1
      while p <= #items do
        local want = tonumber(items[p])
        p = p + 1
        local id = items[p]
        local e, c = ARGV[1] .. 'exec:' .. id, ARGV[1] .. 'claim:' .. id
        -- one read for the checks below and the statistics' groups
        local r = redis.call('HMGET', e, 's', 'na', 'cx', 'h', 'tk', 'a')
        local s = r[1]
        if s then tg_stat_g[e] = {r[4], r[5]} end
        if tg_terminal(s) then
          out[#out + 1] = tg_item('DONE:' .. s)
        elseif s == 'RETRY_SCHEDULED' and tonumber(r[2] or '0') ~= math.max(want, 1) then
          out[#out + 1] = tg_item('DONE:' .. s)
        else
          local owner = redis.call('GET', c)
          if owner and s and want > tonumber(r[6] or '0') then
            -- the message of a later attempt while the previous one's outcome is not yet recorded
            -- (a retry is written to Kafka before it): neither join that run nor take it over
            out[#out + 1] = tg_item('WAIT:' .. owner)
          elseif owner == ARGV[2] then
            out[#out + 1] = tg_item('MINE:' .. owner)
          elseif owner then
            out[#out + 1] = tg_item('HELD:' .. owner)
          else
            local tomb = ARGV[1] .. 'cxl:' .. id
            local reason = (s and r[3]) or (not s and redis.call('GET', tomb))
            if reason then
              -- cancelled while its worker was dead, or while its lost record's message waited in
              -- Kafka: it ends CANCELLED and never runs (again)
              if not s then
                tg_new_record(e, items, p)
                redis.call('PEXPIRE', e, math.max(1, redis.call('PTTL', tomb)))
                redis.call('DEL', tomb)
              end
              tg_stat_move(e, s or 'PENDING', false)
              redis.call('HSET', e, 's', 'CANCELLED', 'rs', reason, 'fin', ARGV[4], 'et', 'taskgrid.Cancelled', 'em', reason)
              tg_stat_end(e, 'CANCELLED', ARGV[4], '')
              changes[#changes + 1] = tg_entry(id, 'CANCELLED', redis.call('HGETALL', e))
              out[#out + 1] = tg_item('DONE:CANCELLED')
            else
              redis.call('SET', c, ARGV[2], 'PX', ARGV[3])
              if not s then
                tg_new_record(e, items, p)
                if want > 1 then redis.call('HSET', e, 'a', want - 1) end
              elseif s == 'RETRY_SCHEDULED' then
                redis.call('HSET', e, 'a', want - 1)
                redis.call('HDEL', e, 'na', 'nat', 'fin', 'et', 'em')
              end
              local attempt = redis.call('HINCRBY', e, 'a', 1)
              tg_stat_move(e, s or 'PENDING', 'RUNNING')
              redis.call('HSET', e, 's', 'RUNNING', 'st', ARGV[4], 'w', ARGV[2])
              changes[#changes + 1] = tg_entry(id, 'RUNNING', nil)
              out[#out + 1] = tg_item('OK:' .. attempt)
            end
          end
        end
        p = tg_record_end(items, p)
      end
      tg_stat_flush()
      if #changes > 0 then redis.call('PUBLISH', ARGV[5], table.concat(changes)) end
      return table.concat(out)
      """;

  /**
   * ARGV: prefix worker leaseMs packed, packed holding the ids. Returns one character per id: '1'
   * renewed, 'C' renewed but asked to cancel, '2' already finished or waiting for its next attempt
   * (its outcome is recorded), '0' lost; then, packed, the reason of each 'C' in order. (The cancel
   * channel is at most once: this catches a request whose message a worker missed.)
   */
  private static final String RENEW = Packed.LUA + Entries.LUA + Keyspace.LUA
      + """
      local ids = tg_unpack(ARGV[4])
      local out, reasons = {}, {}
      for i = 1, #ids do
        local c = ARGV[1] .. 'claim:' .. ids[i]
        if redis.call('GET', c) == ARGV[2] then
          redis.call('PEXPIRE', c, ARGV[3])
          local cx = redis.call('HGET', ARGV[1] .. 'exec:' .. ids[i], 'cx')
          if cx then
            out[i] = 'C'
            reasons[#reasons + 1] = tg_item(cx)
          else
            out[i] = '1'
          end
        else
          local s = redis.call('HGET', ARGV[1] .. 'exec:' .. ids[i], 's')
          if tg_terminal(s) or s == 'RETRY_SCHEDULED' then out[i] = '2' else out[i] = '0' end
        end
      end
      return table.concat(out) .. table.concat(reasons)
      """;

  /**
   * ARGV: prefix worker packed, packed holding the ids. Hands executions back: deletes each claim
   * this worker holds, so the next delivery of its message (to another worker, after this one
   * leaves the group) claims it at once instead of after the lease; the attempt the claim counted
   * is taken back, so that claim runs the same attempt again. Returns how many it released.
   */
  private static final String RELEASE = Packed.LUA
      + """
      local ids = tg_unpack(ARGV[3])
      local n = 0
      for i = 1, #ids do
        local c, e = ARGV[1] .. 'claim:' .. ids[i], ARGV[1] .. 'exec:' .. ids[i]
        if redis.call('GET', c) == ARGV[2] then
          redis.call('DEL', c)
          if redis.call('HGET', e, 's') == 'RUNNING' and redis.call('HGET', e, 'w') == ARGV[2] then
            redis.call('HINCRBY', e, 'a', -1)
          end
          n = n + 1
        end
      end
      return tostring(n)
      """;

  private final RedissonClient redisson;
  private final Keyspace keys;
  private final String workerId;
  private final Duration lease;
  private final Clock clock;
  private final CallTimer claimTimer;
  private final CallTimer renewTimer;

  public RedisClaims(RedissonClient redisson, Keyspace keys, String workerId, Duration lease, Clock clock, WorkerMeters meters) {
    this.claimTimer = meters.redis("claim");
    this.renewTimer = meters.redis("renew");
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
      Packed packed = new Packed(chunk.size() * 96);
      for (Delivery d : chunk) {
        TaskMessage m = d.message();
        // a first attempt's message is claimed as before; only a retry's (with first_attempt_at) is fenced by attempt
        packed.add(m.hasFirstAttemptAt() ? m.getAttempt() : 0);
        packed.add(m.getExecutionId()).add(m.getHandler()).add(priorityName(m.getPriorityValue()))
            .add(m.getTimeout().getSeconds() * 1000 + m.getTimeout().getNanos() / 1_000_000)
            .add(m.getEnqueuedAt().getSeconds() * 1000 + m.getEnqueuedAt().getNanos() / 1_000_000)
            .add(m.getIdempotencyKey()).add(m.getLabelsCount());
        m.getLabelsMap().forEach((k, v) -> packed.add(k).add(v));
      }
      List<String> replies = Packed.parse(eval(claimTimer, CLAIM, keys.prefix(), workerId, Long.toString(lease.toMillis()), now, keys.changes(), packed.toString()));
      if (replies.size() != chunk.size()) throw new IllegalStateException("claim answered " + replies.size() + " of " + chunk.size());
      for (String r : replies) out.add(ClaimResult.parse(r));
    }
    return out;
  }

  /**
   * What renewing found: the ids whose claim this worker lost before their outcome was recorded
   * (an outcome recorded but not yet acknowledged is not lost), and the ids asked to cancel, with
   * the reason.
   */
  public record Renewal(Set<String> lost, Map<String, String> cancelRequested) {}

  /**
   * Extends the leases of the given executions; returns the ids whose claim this worker lost
   * before their outcome was recorded (an outcome recorded but not yet acknowledged is not lost).
   */
  public Set<String> renew(Collection<String> executionIds) {
    return renewAll(executionIds).lost();
  }

  /** Extends the leases of the given executions; see {@link Renewal}. */
  public Renewal renewAll(Collection<String> executionIds) {
    if (executionIds.isEmpty()) return new Renewal(Set.of(), Map.of());
    List<String> ids = List.copyOf(executionIds);
    Set<String> lost = new HashSet<>();
    Map<String, String> cancels = new HashMap<>();
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
      Packed packed = new Packed(chunk.size() * 40);
      chunk.forEach(packed::add);
      byte[] reply = eval(renewTimer, RENEW, keys.prefix(), workerId, Long.toString(lease.toMillis()), packed.toString());
      List<String> reasons = reply.length > chunk.size()
          ? Packed.parse(java.util.Arrays.copyOfRange(reply, chunk.size(), reply.length)) : List.of();
      int next = 0;
      for (int i = 0; i < chunk.size(); i++) {
        if (i >= reply.length || reply[i] == '0') lost.add(chunk.get(i));
        if (i < reply.length && reply[i] == 'C' && next < reasons.size()) cancels.put(chunk.get(i), reasons.get(next++));
      }
    }
    return new Renewal(lost, cancels);
  }

  /** Releases this worker's claims on {@code executionIds} (see {@link #RELEASE}); returns how many it held. */
  public int release(Collection<String> executionIds) {
    if (executionIds.isEmpty()) return 0;
    Packed packed = new Packed(executionIds.size() * 40);
    executionIds.forEach(packed::add);
    return Integer.parseInt(new String(eval(renewTimer, RELEASE, keys.prefix(), workerId, packed.toString()), StandardCharsets.UTF_8));
  }

  /** Runs a script with no declared keys; its reply as UTF-8 bytes. */
  private byte[] eval(CallTimer timer, String script, String... args) {
    long start = System.nanoTime();
    String reply;
    try {
      reply = redisson.getScript(StringCodec.INSTANCE)
          .eval(RScript.Mode.READ_WRITE, script, RScript.ReturnType.VALUE, List.of(), (Object[]) args);
    } catch (RuntimeException e) {
      timer.failed(start);
      throw e;
    }
    timer.succeeded(start);
    return reply == null ? new byte[0] : reply.getBytes(StandardCharsets.UTF_8);
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
