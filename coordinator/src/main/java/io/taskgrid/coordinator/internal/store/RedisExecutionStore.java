package io.taskgrid.coordinator.internal.store;

import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.Payload;
import io.taskgrid.core.Priority;
import io.taskgrid.core.TaskSpec;
import io.taskgrid.core.UnavailableException;
import io.taskgrid.core.keyspace.Entries;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.keyspace.Packed;
import io.taskgrid.core.keyspace.Keyspace.Fields;
import io.taskgrid.core.stats.DurationHistogram;
import io.taskgrid.telemetry.CallTimer;
import io.taskgrid.telemetry.CoordinatorMeters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.redisson.api.RScript;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.BaseCodec;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.Codec;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.Decoder;
import org.redisson.client.protocol.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ExecutionStore} on Redis through Redisson. Each operation is one Lua script over a whole
 * batch (at most {@value #CHUNK} executions per call), so it is atomic per execution and costs one
 * round trip and one command per batch, not per execution. A batch travels as one {@link Packed}
 * argument and its reply as one packed string, so the client's cost does not grow with the number
 * of fields. Status changes are published on the change channel once per batch, as {@link
 * Entries}.
 *
 * <p>The scripts build the keys of the executions they touch from the key prefix, so this store
 * needs a single Redis (with replicas or Sentinel), not Redis Cluster.
 */
public final class RedisExecutionStore implements ExecutionStore {
  private static final Logger log = LoggerFactory.getLogger(RedisExecutionStore.class);

  /** Most executions per script call, so one call never blocks Redis for long. */
  static final int CHUNK = 500;

  /** Results larger than this (base64 bytes) are not carried on the change feed; watchers re-read them. */
  static final int MAX_INLINE_RESULT = 64 * 1024;

  /** The pseudo-field of a read that carries the attempt history (never a field of the hash). */
  static final String HISTORY_FIELD = "_attempts";

  /** Attempts kept in an execution's history (the proto promises the last 100). */
  static final int MAX_ATTEMPT_HISTORY = 100;

  /** Bytes of an error message kept per attempt in the history. */
  static final int MAX_HISTORY_ERROR = 1000;

  /**
   * The attempt history: {@code tg_attempt(items, p)} encodes an ended attempt from a packed
   * outcome as {@code number US status US startedMs US finishedMs US worker US errorType US
   * errorMessage} (US = 0x1f; the message cut to {@value #MAX_HISTORY_ERROR} bytes), about 80
   * bytes plus the error message in a Redis list; {@code tg_fields(prefix, id)} is the hash's
   * fields plus, when the execution has a history, a pseudo-field {@value #HISTORY_FIELD} holding
   * the entries joined by RS (0x1e); {@code retried} says whether it may have one (nil: judged
   * from its attempt and status fields), so the common execution of one attempt costs no list read.
   */
  private static final String HISTORY_LUA = """
      local function tg_attempt(items, p)
        local msg = string.sub(string.gsub(items[p + 9], '[\\30\\31]', ' '), 1, %d)
        return table.concat({items[p + 2], items[p + 1], items[p + 3], items[p + 4], items[p + 5], items[p + 8], msg}, '\\31')
      end
      local function tg_fields(prefix, id, retried)
        local fields = redis.call('HGETALL', prefix .. 'exec:' .. id)
        if retried == nil then
          -- only an execution past its first attempt, or waiting for its second, has a history
          retried = false
          for i = 1, #fields, 2 do
            if (fields[i] == 'a' and (tonumber(fields[i + 1]) or 0) > 1) or (fields[i] == 's' and fields[i + 1] == 'RETRY_SCHEDULED') then
              retried = true
              break
            end
          end
        end
        local history = retried and redis.call('LRANGE', prefix .. 'att:' .. id, 0, -1) or {}
        if #history > 0 then
          fields[#fields + 1] = '%s'
          fields[#fields + 1] = table.concat(history, '\\30')
        end
        return fields
      end
      """.formatted(MAX_HISTORY_ERROR, HISTORY_FIELD);

  /**
   * ARGV: prefix idemTtlMs retentionMs packed, packed holding per execution the record of {@code
   * tg_new_record} ({@link Keyspace#LUA}). Returns, packed, per
   * execution 'NEW' or 'DUP:' .. the id that holds the idempotency key, or its own id when a record
   * of that id exists (a scheduled fire's id is derived from the fire, so it may be recorded twice,
   * and a worker may have rebuilt and advanced it already: never overwrite). Trims the history
   * indexes it wrote to the retention, counted back from the newest submission of the batch.
   */
  private static final String INSERT = Packed.LUA + Entries.LUA + Keyspace.LUA
      + """
      tg_stat_batch()
      local items = tg_unpack(ARGV[4])
      local out, p = {}, 1
      local touched, newest = {}, 0
      while p <= #items do
        local id, idem = items[p], items[p + 5]
        local dup = false
        if idem ~= '' then
          local k = ARGV[1] .. 'idem:' .. idem
          dup = redis.call('GET', k)
          if not dup then redis.call('SET', k, id, 'PX', ARGV[2]) end
        end
        local e = ARGV[1] .. 'exec:' .. id
        if not dup and redis.call('EXISTS', e) == 1 then dup = id end
        if dup then
          out[#out + 1] = tg_item('DUP:' .. dup)
          p = tg_record_end(items, p)
        else
          local sub = tonumber(items[p + 4])
          if sub > newest then newest = sub end
          touched[ARGV[1] .. 'ix:h:' .. items[p + 1]] = true
          local task
          p, task = tg_new_record(e, items, p)
          redis.call('PEXPIRE', e, ARGV[3])
          if task ~= '' then touched[ARGV[1] .. 'ix:t:' .. task] = true end
          out[#out + 1] = '3:NEW'
        end
      end
      if newest > 0 then
        -- the history indexes keep what the records keep: entries older than the retention go, and
        -- an index not written for a whole retention (a handler no longer used) expires
        touched[ARGV[1] .. 'ix:all'] = true
        local cutoff = '(' .. (newest - tonumber(ARGV[3]))
        for key in pairs(touched) do
          redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
          redis.call('PEXPIRE', key, ARGV[3])
        end
      end
      tg_stat_flush()
      return table.concat(out)
      """;

  /** ARGV: prefix packed, packed holding per execution: id idemKey. */
  private static final String REMOVE = Packed.LUA + Keyspace.LUA
      + """
      local items = tg_unpack(ARGV[2])
      for p = 1, #items, 2 do
        local id, idem = items[p], items[p + 1]
        local e = ARGV[1] .. 'exec:' .. id
        tg_stat_move(e, redis.call('HGET', e, 's'), false)
        redis.call('DEL', e)
        if idem ~= '' then
          local k = ARGV[1] .. 'idem:' .. idem
          if redis.call('GET', k) == id then redis.call('DEL', k) end
        end
      end
      return ''
      """;

  /**
   * First terminal outcome wins. ARGV: prefix retentionMs channel maxInlineResult packed, packed
   * holding per outcome: id status attempt startedAt finishedAt worker result resultType errorType
   * errorMessage handler reason nextAttempt nextAttemptAtMs durationBucket (nextAttempt 0: no retry;
   * durationBucket the run time's {@link DurationHistogram} bucket, empty when it did not run). Returns one
   * character per outcome, '1' when it changed the execution, else '0'; publishes the changes, with
   * the records of terminal ones when small enough.
   *
   * <p>An outcome with a next attempt makes the execution RETRY_SCHEDULED (not terminal: watchers
   * keep waiting) and appends the ended attempt to the execution's history list ({@code
   * att:<id>}, the last {@value #MAX_ATTEMPT_HISTORY}, same retention as the hash). It applies
   * only to the attempt the execution is on: a resent one (already RETRY_SCHEDULED for that next
   * attempt or later) or a stale one (a later attempt started) changes nothing, so a resent batch
   * never appends an attempt twice nor moves a later attempt back. While RETRY_SCHEDULED, a
   * terminal outcome of an older attempt (from a worker that lost its claim) is ignored too. An
   * execution that never retried has no history key: its one attempt is the hash itself.
   */
  private static final String RECORD_OUTCOMES = Packed.LUA + Entries.LUA + Keyspace.LUA + HISTORY_LUA
      + """
      tg_stat_batch()
      local items = tg_unpack(ARGV[5])
      local out, changes = {}, {}
      local limit = tonumber(ARGV[4])
      for p = 1, #items, 15 do
        local id = items[p]
        local e = ARGV[1] .. 'exec:' .. id
        -- one read for the checks below and the statistics' groups
        local r = redis.call('HMGET', e, 's', 'na', 'a', 'h', 'tk')
        local cur = r[1]
        if cur then tg_stat_g[e] = {r[4], r[5]} else tg_stat_g[e] = {items[p + 10], false} end
        local attempt, nextAttempt = tonumber(items[p + 2]), tonumber(items[p + 12])
        local apply = not tg_terminal(cur)
        if apply and cur == 'RETRY_SCHEDULED' then
          apply = attempt >= tonumber(r[2] or '0')
        end
        if apply and nextAttempt > 0 and cur then
          apply = tonumber(r[3] or '0') <= attempt
        end
        if not apply then
          out[#out + 1] = '0'
        else
          local status = items[p + 1]
          if nextAttempt > 0 then
            local h = ARGV[1] .. 'att:' .. id
            redis.call('RPUSH', h, tg_attempt(items, p))
            redis.call('LTRIM', h, -%d, -1)
            redis.call('PEXPIRE', h, ARGV[2])
            status = 'RETRY_SCHEDULED'
            redis.call('HSET', e, 'na', nextAttempt, 'nat', items[p + 13])
          end
          redis.call('HSET', e, 'id', id, 's', status, 'a', items[p + 2], 'st', items[p + 3], 'fin', items[p + 4],
            'w', items[p + 5], 'r', items[p + 6], 'rc', items[p + 7], 'et', items[p + 8], 'em', items[p + 9], 'rs', items[p + 11])
          if not cur then
            redis.call('HSET', e, 'h', items[p + 10], 'sub', items[p + 3], 'p', 'MEDIUM', 't', '0', 'k', '')
            redis.call('ZADD', ARGV[1] .. 'ix:all', items[p + 3], id)
            redis.call('ZADD', ARGV[1] .. 'ix:h:' .. items[p + 10], items[p + 3], id)
          end
          tg_stat_move(e, cur, status)
          if nextAttempt == 0 then tg_stat_end(e, status, items[p + 4], items[p + 14]) end
          redis.call('PEXPIRE', e, ARGV[2])
          redis.call('DEL', ARGV[1] .. 'claim:' .. id)
          out[#out + 1] = '1'
          local fields = nil
          if nextAttempt == 0 then
            if attempt > 1 then redis.call('PEXPIRE', ARGV[1] .. 'att:' .. id, ARGV[2]) end
            if #items[p + 6] <= limit then fields = tg_fields(ARGV[1], id, attempt > 1) end
          end
          changes[#changes + 1] = tg_entry(id, status, fields)
        end
      end
      tg_stat_flush()
      if #changes > 0 then redis.call('PUBLISH', ARGV[3], table.concat(changes)) end
      return table.concat(out)
      """.formatted(MAX_ATTEMPT_HISTORY);

  /**
   * ARGV: prefix terminalOnly ('1' or '0') packed, packed holding the ids. Returns the entries of
   * all, the fields left out of unfinished ones when terminalOnly, the status empty when absent.
   */
  private static final String READ = Packed.LUA + Entries.LUA + Keyspace.LUA + HISTORY_LUA
      + """
      local ids = tg_unpack(ARGV[3])
      local parts = {}
      for i = 1, #ids do
        local e = ARGV[1] .. 'exec:' .. ids[i]
        local s = redis.call('HGET', e, 's')
        if not s then
          parts[i] = tg_entry(ids[i], '', nil)
        elseif ARGV[2] == '1' and not tg_terminal(s) then
          parts[i] = tg_entry(ids[i], s, nil)
        else
          parts[i] = tg_entry(ids[i], s, tg_fields(ARGV[1], ids[i]))
        end
      end
      return table.concat(parts)
      """;

  /**
   * ARGV: prefix id nowMs retentionMs changesChannel cancelChannel reason. Returns two entries: the
   * verdict as the first one's id ('CANCELLED', 'REQUESTED', 'ENDED' or 'NOT_FOUND'), then the
   * execution with its fields. A waiting execution (PENDING, QUEUED, RETRY_SCHEDULED) ends CANCELLED
   * here and its change is published; a RUNNING one is marked and its worker asked, on the cancel
   * channel, to interrupt it; a missing one leaves a tombstone for the claim script.
   */
  private static final String CANCEL = Entries.LUA + Keyspace.LUA
      + """
      local id, reason = ARGV[2], ARGV[7]
      local e = ARGV[1] .. 'exec:' .. id
      local s = redis.call('HGET', e, 's')
      if not s then
        redis.call('SET', ARGV[1] .. 'cxl:' .. id, reason, 'PX', ARGV[4])
        return tg_entry('NOT_FOUND', '', nil) .. tg_entry(id, '', nil)
      end
      local verdict
      if s == 'CANCELLED' then
        verdict = 'CANCELLED'
      elseif tg_terminal(s) then
        verdict = 'ENDED'
      elseif s == 'RUNNING' then
        redis.call('HSET', e, 'cx', reason)
        redis.call('PUBLISH', ARGV[6], id .. '\\n' .. reason)
        verdict = 'REQUESTED'
      else
        tg_stat_move(e, s, false)
        redis.call('HSET', e, 's', 'CANCELLED', 'rs', reason, 'fin', ARGV[3], 'et', 'taskgrid.Cancelled', 'em', reason)
        tg_stat_end(e, 'CANCELLED', ARGV[3], '')
        s = 'CANCELLED'
        verdict = 'CANCELLED'
        redis.call('PUBLISH', ARGV[5], tg_entry(id, s, redis.call('HGETALL', e)))
      end
      return tg_entry(verdict, '', nil) .. tg_entry(id, s, redis.call('HGETALL', e))
      """;

  /**
   * One page of the history. ARGV: prefix indexKey maxScore minScore fromScore fromId budget
   * pageSize statuses handler labels; statuses a comma-separated set (empty for any), handler empty
   * for any, labels packed key value pairs. Walks the index newest first from maxScore, skipping
   * entries at fromScore whose id is not below fromId (the previous page saw them), examines at
   * most budget entries and returns the next token as the first entry's id ('score:id' of the
   * last examined, empty when the walk reached the end), then the matching executions. Entries
   * whose record expired are removed from the index.
   */
  private static final String LIST = Packed.LUA + Entries.LUA + Keyspace.LUA
      + """
      local key, max, min = ARGV[2], ARGV[3], ARGV[4]
      local fromScore, fromId = tonumber(ARGV[5]), ARGV[6]
      local budget, size = tonumber(ARGV[7]), tonumber(ARGV[8])
      local want, anyStatus = {}, ARGV[9] == ''
      for st in string.gmatch(ARGV[9], '[^,]+') do want[st] = true end
      local handler = ARGV[10]
      local labels = tg_unpack(ARGV[11])
      local out, gone = {}, {}
      local found, examined, offset = 0, 0, 0
      local last, ended = '', false
      while not ended and found < size and examined < budget do
        local n = math.min(200, budget - examined)
        local batch = redis.call('ZREVRANGEBYSCORE', key, max, min, 'WITHSCORES', 'LIMIT', offset, n)
        offset = offset + #batch / 2
        if #batch / 2 < n then ended = true end
        for i = 1, #batch, 2 do
          local id, score = batch[i], batch[i + 1]
          if not (fromScore and tonumber(score) == fromScore and id >= fromId) then
            examined = examined + 1
            last = score .. ':' .. id
            local e = ARGV[1] .. 'exec:' .. id
            local s = redis.call('HGET', e, 's')
            if not s then
              gone[#gone + 1] = id
            elseif anyStatus or want[s] then
              local match = handler == '' or redis.call('HGET', e, 'h') == handler
              for j = 1, #labels, 2 do
                if match and redis.call('HGET', e, 'l:' .. labels[j]) ~= labels[j + 1] then match = false end
              end
              if match then
                found = found + 1
                out[#out + 1] = tg_entry(id, s, redis.call('HGETALL', e))
              end
            end
            if found >= size or examined >= budget then
              if i < #batch - 1 then ended = false end
              break
            end
          end
        end
      end
      for i = 1, #gone do redis.call('ZREM', key, gone[i]) end
      if ended then last = '' end
      return tg_entry(last, '', nil) .. table.concat(out)
      """;

  /** Sends strings (as UTF-8) and reads a bulk reply as raw bytes, for {@link Entries}. */
  private static final Codec STRINGS_IN_BYTES_OUT = new BaseCodec() {
    @Override
    public Decoder<Object> getValueDecoder() {
      return ByteArrayCodec.INSTANCE.getValueDecoder();
    }

    @Override
    public Encoder getValueEncoder() {
      return StringCodec.INSTANCE.getValueEncoder();
    }
  };

  private final RedissonClient redisson;
  private final Keyspace keys;
  private final Duration executionRetention;
  private final Duration idempotencyRetention;

  private final CallTimer insertTimer;
  private final CallTimer removeTimer;
  private final CallTimer recordTimer;
  private final CallTimer readTimer;
  private final CallTimer cancelTimer;
  private final CallTimer listTimer;
  private final CallTimer statsTimer;
  private final java.time.InstantSource clock;
  /** Finished executions GetExecution read lately (see {@link TerminalRecordCache}). */
  private final TerminalRecordCache terminal;

  public RedisExecutionStore(RedissonClient redisson, Keyspace keys, Duration executionRetention, Duration idempotencyRetention,
      CoordinatorMeters meters) {
    this(redisson, keys, executionRetention, idempotencyRetention, meters, java.time.InstantSource.system());
  }

  public RedisExecutionStore(RedissonClient redisson, Keyspace keys, Duration executionRetention, Duration idempotencyRetention,
      CoordinatorMeters meters, java.time.InstantSource clock) {
    this.clock = clock;
    this.terminal = new TerminalRecordCache(clock);
    this.cancelTimer = meters.redis("cancel");
    this.listTimer = meters.redis("list");
    this.statsTimer = meters.redis("stats");
    this.insertTimer = meters.redis("insert");
    this.removeTimer = meters.redis("remove");
    this.recordTimer = meters.redis("record_outcomes");
    this.readTimer = meters.redis("read");
    this.redisson = redisson;
    this.keys = keys;
    this.executionRetention = executionRetention;
    this.idempotencyRetention = idempotencyRetention;
  }

  @Override
  public Optional<io.taskgrid.core.task.SideTaskStatus> sideTaskStatus(String taskId) {
    java.util.Map<String, String> state = redisson.<String, String>getMap(keys.sideState(taskId), StringCodec.INSTANCE).readAllMap();
    if (state.isEmpty()) return Optional.empty();
    Object holder = redisson.getBucket(keys.sideLease(taskId), StringCodec.INSTANCE).get();
    String worker = state.getOrDefault(Keyspace.SideFields.WORKER, "");
    return Optional.of(new io.taskgrid.core.task.SideTaskStatus(
        holder != null && holder.equals(worker),
        worker,
        millis(state.get(Keyspace.SideFields.SINCE_MS)),
        Long.parseLong(state.getOrDefault(Keyspace.SideFields.RESTARTS, "0")),
        state.getOrDefault(Keyspace.SideFields.LAST_ERROR, ""),
        millis(state.get(Keyspace.SideFields.LAST_ERROR_MS))));
  }

  @Override
  public CompletionStage<StatsCounters> statsCounters(List<Long> epochMinutes, List<Long> epochHours) {
    long start = System.nanoTime();
    org.redisson.api.RBatch batch = redisson.createBatch();
    CompletableFuture<Map<String, String>> live = readAll(batch, Keyspace.Stats.live(keys));
    List<CompletableFuture<Map<String, String>>> minutes = new ArrayList<>(epochMinutes.size());
    for (long m : epochMinutes) minutes.add(readAll(batch, Keyspace.Stats.minute(keys, m)));
    List<CompletableFuture<Map<String, String>>> hours = new ArrayList<>(epochHours.size());
    for (long h : epochHours) hours.add(readAll(batch, Keyspace.Stats.hour(keys, h)));
    return batch.executeAsync().handle((ignored, error) -> {
      statsTimer.ended(start, error);
      if (error != null) throw unavailable(error);
      return new StatsCounters(sum(List.of(live)), sum(minutes), sum(hours));
    });
  }

  private static CompletableFuture<Map<String, String>> readAll(org.redisson.api.RBatch batch, String key) {
    return batch.<String, String>getMap(key, StringCodec.INSTANCE).readAllMapAsync().toCompletableFuture();
  }

  /** The fields of several hashes, the counts of a field in several summed; a malformed count is skipped. */
  private static Map<String, Long> sum(List<CompletableFuture<Map<String, String>>> hashes) {
    Map<String, Long> out = new HashMap<>();
    for (CompletableFuture<Map<String, String>> h : hashes) {
      h.join().forEach((field, value) -> {
        try {
          out.merge(field, Long.parseLong(value), Long::sum);
        } catch (NumberFormatException e) {
          log.debug("Skipping a malformed statistics counter {}={}", field, value);
        }
      });
    }
    return out;
  }

  private static Optional<Instant> millis(String value) {
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(value)));
  }

  @Override
  public CompletionStage<List<Insert>> insert(List<NewExecution> executions) {
    return chunked(executions, chunk -> {
      Packed packed = new Packed(chunk.size() * 96);
      for (NewExecution e : chunk) {
        TaskSpec spec = e.spec();
        packed.add(e.executionId()).add(spec.handler().value()).add(spec.priority().name()).add(spec.timeout().toMillis())
            .add(e.submittedAt().toEpochMilli()).add(spec.idempotencyKey().map(k -> k.value()).orElse(""))
            .add(spec.labels().values().size());
        spec.labels().values().forEach((k, v) -> packed.add(k).add(v));
      }
      return eval(insertTimer, INSERT, keys.prefix(), Long.toString(idempotencyRetention.toMillis()),
          Long.toString(executionRetention.toMillis()), packed.toString()).thenApply(reply -> {
        List<String> replies = Packed.parse(reply);
        if (replies.size() != chunk.size()) throw new IllegalStateException("insert answered " + replies.size() + " of " + chunk.size());
        List<Insert> out = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
          String r = replies.get(i);
          String id = chunk.get(i).executionId();
          // 'DUP:' with the execution's own id is this insert's own earlier attempt: Redisson retries a
          // script whose reply was lost (a primary killed after replicating it, a response timeout),
          // and the new execution's message must still be queued
          boolean duplicate = r.startsWith("DUP:") && !r.substring(4).equals(id);
          out.add(duplicate ? new Insert.Duplicate(r.substring(4)) : new Insert.Created(id));
        }
        return out;
      });
    });
  }

  @Override
  public CompletionStage<Void> remove(List<NewExecution> executions) {
    return chunked(executions, chunk -> {
      Packed packed = new Packed(chunk.size() * 48);
      for (NewExecution e : chunk) {
        packed.add(e.executionId()).add(e.spec().idempotencyKey().map(k -> k.value()).orElse(""));
      }
      return eval(removeTimer, REMOVE, keys.prefix(), packed.toString()).thenApply(r -> List.<Void>of());
    }).thenApply(r -> null);
  }

  @Override
  public CompletionStage<List<Boolean>> recordEach(List<ReportedOutcome> outcomes) {
    return chunked(outcomes, chunk -> {
      Packed packed = new Packed(chunk.size() * 160);
      for (ReportedOutcome r : chunk) {
        Outcome o = r.outcome();
        String result = "";
        String resultType = "";
        String errorType = "";
        String errorMessage = "";
        String reason = "";
        switch (o) {
          case Outcome.Succeeded s -> {
            result = Base64.getEncoder().encodeToString(s.result().unsafeData());
            resultType = s.result().contentType();
          }
          case Outcome.Failed f -> {
            errorType = f.errorType();
            errorMessage = f.message() == null ? "" : f.message();
          }
          case Outcome.TimedOut t -> {
            errorType = Outcome.TimedOut.ERROR_TYPE;
            errorMessage = t.message();
          }
          case Outcome.Skipped sk -> reason = sk.reason();
          case Outcome.Cancelled c -> {
            errorType = Outcome.Cancelled.ERROR_TYPE;
            errorMessage = "execution " + c.reason();
            reason = c.reason();
          }
        }
        packed.add(r.executionId()).add(o.status().name()).add(r.attempt()).add(o.startedAt().toEpochMilli())
            .add(o.finishedAt().toEpochMilli()).add(r.workerId()).add(result).add(resultType).add(errorType)
            .add(errorMessage).add(r.handler()).add(reason).add(r.nextAttempt())
            .add(r.nextAttemptAt().map(Instant::toEpochMilli).orElse(0L))
            .add(r.nextAttempt() == 0 ? DurationHistogram.runBucket(o) : "");
      }
      return eval(recordTimer, RECORD_OUTCOMES, keys.prefix(), Long.toString(executionRetention.toMillis()), keys.changes(),
          Integer.toString(MAX_INLINE_RESULT), packed.toString())
          .thenApply(reply -> {
            List<Boolean> changed = new ArrayList<>(reply.length);
            for (byte b : reply) changed.add(b == '1');
            return changed;
          });
    });
  }

  @Override
  public CompletionStage<Optional<ExecutionRecord>> get(String executionId) {
    ExecutionRecord cached = terminal.get(executionId);
    if (cached != null) return CompletableFuture.completedFuture(Optional.of(cached));
    return read(List.of(executionId), false).thenApply(m -> {
      Optional<ExecutionRecord> r = Optional.ofNullable(m.get(executionId)).flatMap(Snapshot::record);
      r.ifPresent(terminal::put);
      return r;
    });
  }

  @Override
  public CompletionStage<Map<String, Snapshot>> read(Collection<String> executionIds, boolean terminalOnly) {
    if (executionIds.isEmpty()) return CompletableFuture.completedFuture(Map.of());
    return chunked(List.copyOf(executionIds), chunk -> {
      Packed packed = new Packed(chunk.size() * 40);
      chunk.forEach(packed::add);
      return eval(readTimer, READ, keys.prefix(), terminalOnly ? "1" : "0", packed.toString()).thenApply(RedisExecutionStore::snapshots);
    }).thenApply(all -> {
      Map<String, Snapshot> out = new HashMap<>();
      for (Snapshot s : all) out.put(s.executionId(), s);
      return out;
    });
  }

  @Override
  public CompletionStage<Cancel> cancel(String executionId, String reason) {
    return eval(cancelTimer, CANCEL, keys.prefix(), executionId, Long.toString(clock.millis()), Long.toString(executionRetention.toMillis()),
        keys.changes(), keys.cancels(), reason).thenApply(reply -> {
      List<Entries.Entry> entries = Entries.parse(reply);
      if (entries.size() != 2) throw new IllegalStateException("cancel answered " + entries.size() + " entries");
      Entries.Entry e = entries.get(1);
      return switch (entries.get(0).executionId()) {
        case "NOT_FOUND" -> new Cancel.NotFound();
        case "CANCELLED" -> new Cancel.Cancelled(toRecord(executionId, e.fields()));
        case "REQUESTED" -> new Cancel.Requested(toRecord(executionId, e.fields()));
        case "ENDED" -> new Cancel.AlreadyEnded(toRecord(executionId, e.fields()));
        default -> throw new IllegalStateException("cancel answered " + entries.get(0).executionId());
      };
    });
  }

  @Override
  public CompletionStage<Page> list(ExecutionQuery q) {
    String statuses = String.join(",", q.statuses().stream().map(Enum::name).sorted().toList());
    Packed labels = new Packed();
    q.labels().forEach((k, v) -> labels.add(k).add(v));
    return eval(listTimer, LIST, keys.prefix(), q.indexKey(keys), q.maxScore(), q.minScore(),
        q.from().map(t -> Long.toString(t.score())).orElse(""), q.from().map(PageToken::executionId).orElse(""),
        Integer.toString(q.scanBudget()), Integer.toString(q.pageSize()), statuses, q.handlerToCheck().orElse(""), labels.toString())
        .thenApply(reply -> {
          List<Entries.Entry> entries = Entries.parse(reply);
          String last = entries.get(0).executionId();
          Optional<PageToken> next = Optional.empty();
          if (!last.isEmpty()) {
            int colon = last.indexOf(':');
            next = Optional.of(q.next(Long.parseLong(last.substring(0, colon)), last.substring(colon + 1)));
          }
          List<ExecutionRecord> records = new ArrayList<>(entries.size() - 1);
          for (Entries.Entry e : entries.subList(1, entries.size())) records.add(toRecord(e.executionId(), e.fields()));
          return new Page(records, next);
        });
  }

  /** The snapshots of existing executions in a read reply or change message. */
  static List<Snapshot> snapshots(byte[] data) {
    List<Snapshot> out = new ArrayList<>();
    for (Entries.Entry e : Entries.parse(data == null ? new byte[0] : data)) {
      if (!e.exists()) continue;
      ExecutionStatus status = ExecutionStatus.valueOf(e.status());
      out.add(new Snapshot(e.executionId(), status, e.hasFields() ? Optional.of(toRecord(e.executionId(), e.fields())) : Optional.empty()));
    }
    return out;
  }

  @Override
  public void onChange(ChangeListener listener) {
    RTopic topic = redisson.getTopic(keys.changes(), ByteArrayCodec.INSTANCE);
    topic.addListener(new StatusListener() {
      @Override
      public void onSubscribe(String channel) {
        listener.resubscribed();
      }

      @Override
      public void onUnsubscribe(String channel) {}
    });
    topic.addListener(byte[].class, (channel, message) -> {
      List<Snapshot> changes;
      try {
        changes = snapshots(message);
      } catch (RuntimeException e) {
        log.warn("Ignoring a malformed change message of {} bytes: {}", message.length, e.toString());
        return;
      }
      listener.changed(changes);
    });
  }

  /** Runs {@code call} on chunks of at most {@link #CHUNK} items, all at once, and joins the replies in order. */
  private static <T, R> CompletionStage<List<R>> chunked(List<T> items, Function<List<T>, CompletionStage<List<R>>> call) {
    if (items.size() <= CHUNK) return call.apply(items);
    List<CompletableFuture<List<R>>> parts = new ArrayList<>();
    for (int i = 0; i < items.size(); i += CHUNK) {
      parts.add(call.apply(items.subList(i, Math.min(items.size(), i + CHUNK))).toCompletableFuture());
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
      List<R> out = new ArrayList<>(items.size());
      parts.forEach(p -> out.addAll(p.join()));
      return out;
    });
  }

  /** Runs a script with no declared keys; its reply (a bulk string) as bytes, empty when nil. */
  private CompletionStage<byte[]> eval(CallTimer timer, String script, String... args) {
    long start = System.nanoTime();
    return redisson.getScript(STRINGS_IN_BYTES_OUT)
        .<byte[]>evalAsync(RScript.Mode.READ_WRITE, script, RScript.ReturnType.VALUE, List.of(), (Object[]) args)
        .handle((r, error) -> {
          timer.ended(start, error);
          if (error != null) throw unavailable(error);
          return r == null ? new byte[0] : r;
        });
  }

  @Override
  public boolean isReachable() {
    try {
      redisson.getBucket(keys.changes() + ":ping", StringCodec.INSTANCE).isExists();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static UnavailableException unavailable(Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    log.warn("Redis operation failed: {}", cause.toString());
    return new UnavailableException("execution store (Redis) unavailable: " + cause.getMessage(), cause);
  }

  static ExecutionRecord toRecord(String executionId, Map<String, String> h) {
    Map<String, String> labels = new TreeMap<>();
    h.forEach((k, v) -> {
      if (k.startsWith(Fields.LABEL_PREFIX)) labels.put(k.substring(Fields.LABEL_PREFIX.length()), v);
    });
    ExecutionStatus status = ExecutionStatus.valueOf(h.getOrDefault(Fields.STATUS, "PENDING"));
    Optional<Payload> result = Optional.empty();
    if (status == ExecutionStatus.SUCCEEDED) {
      result = Optional.of(new Payload(Base64.getDecoder().decode(h.getOrDefault(Fields.RESULT, "")), h.get(Fields.RESULT_CONTENT_TYPE)));
    }
    int attempt = Integer.parseInt(h.getOrDefault(Fields.ATTEMPT, "0"));
    Optional<Instant> startedAt = status == ExecutionStatus.PENDING ? Optional.empty() : instant(h.get(Fields.STARTED_AT_MS));
    Optional<Instant> finishedAt = status.isTerminal() ? instant(h.get(Fields.FINISHED_AT_MS)) : Optional.empty();
    String worker = h.getOrDefault(Fields.WORKER, "");
    Optional<String> errorType = nonEmpty(h.get(Fields.ERROR_TYPE));
    Optional<String> errorMessage = nonEmpty(h.get(Fields.ERROR_MESSAGE));
    List<ExecutionRecord.AttemptRecord> attempts = history(h.get(HISTORY_FIELD));
    // the attempt running or ended last lives in the hash itself; a RETRY_SCHEDULED one is already in the history
    if ((status == ExecutionStatus.RUNNING || status.isTerminal()) && attempt > 0 && startedAt.isPresent()
        && (attempts.isEmpty() || attempts.getLast().number() < attempt)) {
      attempts.add(new ExecutionRecord.AttemptRecord(attempt, status, startedAt.get(), finishedAt, worker, errorType, errorMessage));
    }
    return new ExecutionRecord(
        executionId,
        h.getOrDefault(Fields.HANDLER, ""),
        status,
        attempt,
        Priority.valueOf(h.getOrDefault(Fields.PRIORITY, "MEDIUM")),
        labels,
        Duration.ofMillis(Long.parseLong(h.getOrDefault(Fields.TIMEOUT_MS, "0"))),
        h.getOrDefault(Fields.IDEMPOTENCY_KEY, ""),
        instant(h.get(Fields.SUBMITTED_AT_MS)).orElse(Instant.EPOCH),
        startedAt,
        finishedAt,
        worker,
        result,
        errorType,
        errorMessage,
        h.getOrDefault(Fields.TASK_ID, h.getOrDefault(Fields.LABEL_PREFIX + Keyspace.TASK_LABEL, "")),
        reason(status, h),
        attempts,
        status == ExecutionStatus.RETRY_SCHEDULED ? instant(h.get(NEXT_ATTEMPT_AT_MS)) : Optional.empty());
  }

  /** Why it was skipped or cancelled: its own field, else (records written before it existed) the error message. */
  private static String reason(ExecutionStatus status, Map<String, String> h) {
    if (status != ExecutionStatus.SKIPPED && status != ExecutionStatus.CANCELLED) return "";
    String r = h.get(Fields.REASON);
    return r != null && !r.isEmpty() ? r : h.getOrDefault(Fields.ERROR_MESSAGE, "");
  }

  /** Field of the hash: for RETRY_SCHEDULED, when the next attempt is due (ms). */
  static final String NEXT_ATTEMPT_AT_MS = "nat";

  /** The attempts of a history pseudo-field ({@link #HISTORY_LUA}); a malformed entry is skipped. */
  static List<ExecutionRecord.AttemptRecord> history(String encoded) {
    List<ExecutionRecord.AttemptRecord> out = new ArrayList<>();
    if (encoded == null || encoded.isEmpty()) return out;
    for (String entry : encoded.split("\u001e")) {
      String[] f = entry.split("\u001f", -1);
      if (f.length != 7) continue;
      try {
        out.add(new ExecutionRecord.AttemptRecord(Integer.parseInt(f[0]), ExecutionStatus.valueOf(f[1]),
            Instant.ofEpochMilli(Long.parseLong(f[2])), instant(f[3]), f[4], nonEmpty(f[5]), nonEmpty(f[6])));
      } catch (RuntimeException e) {
        log.debug("Skipping a malformed attempt entry: {}", e.toString());
      }
    }
    return out;
  }

  private static Optional<Instant> instant(String millis) {
    return millis == null || millis.isEmpty() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(millis)));
  }

  private static Optional<String> nonEmpty(String s) {
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  @Override
  public void close() {
    // the Redisson client is owned by the coordinator, which shuts it down last
  }
}
