package io.taskgrid.coordinator.internal.store;

import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.Payload;
import io.taskgrid.core.Priority;
import io.taskgrid.core.TaskSpec;
import io.taskgrid.core.UnavailableException;
import io.taskgrid.core.keyspace.Entries;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.keyspace.Keyspace.Fields;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
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
 * round trip and one command per batch, not per execution. Status changes are published on the
 * change channel once per batch, encoded as {@link Entries}.
 *
 * <p>The scripts touch several executions' keys, so this store needs a single Redis (with replicas
 * or Sentinel), not Redis Cluster.
 */
public final class RedisExecutionStore implements ExecutionStore {
  private static final Logger log = LoggerFactory.getLogger(RedisExecutionStore.class);

  /** Most executions per script call, so one call never blocks Redis for long. */
  static final int CHUNK = 500;

  /** Results larger than this (base64 bytes) are not carried on the change feed; watchers re-read them. */
  static final int MAX_INLINE_RESULT = 64 * 1024;

  /**
   * KEYS: exec, idem per execution. ARGV: idemTtlMs retentionMs, then per execution: id handler
   * priority timeoutMs submittedAt idemKey labelCount [labelKey labelValue]... Returns per
   * execution 'NEW' or 'DUP:' .. the id that holds the idempotency key.
   */
  private static final String INSERT =
      """
      local out = {}
      local b = 3
      for i = 1, #KEYS / 2 do
        local e, k = KEYS[2 * i - 1], KEYS[2 * i]
        local id, idem, nl = ARGV[b], ARGV[b + 5], tonumber(ARGV[b + 6])
        local dup = false
        if idem ~= '' then
          dup = redis.call('GET', k)
          if not dup then redis.call('SET', k, id, 'PX', ARGV[1]) end
        end
        if dup then
          out[i] = 'DUP:' .. dup
        else
          redis.call('HSET', e, 'id', id, 'h', ARGV[b + 1], 's', 'PENDING', 'a', '0', 'p', ARGV[b + 2], 't', ARGV[b + 3],
            'sub', ARGV[b + 4], 'k', idem)
          for j = 0, nl - 1 do redis.call('HSET', e, 'l:' .. ARGV[b + 7 + 2 * j], ARGV[b + 8 + 2 * j]) end
          redis.call('PEXPIRE', e, ARGV[2])
          out[i] = 'NEW'
        end
        b = b + 7 + 2 * nl
      end
      return out
      """;

  /** KEYS: exec, idem per execution. ARGV: id, idemKey per execution. */
  private static final String REMOVE =
      """
      for i = 1, #KEYS / 2 do
        redis.call('DEL', KEYS[2 * i - 1])
        local idem = ARGV[2 * i]
        if idem ~= '' and redis.call('GET', KEYS[2 * i]) == ARGV[2 * i - 1] then redis.call('DEL', KEYS[2 * i]) end
      end
      return 1
      """;

  /**
   * First terminal outcome wins. KEYS: exec, claim per outcome. ARGV: retentionMs channel
   * maxInlineResult, then per outcome: id status attempt startedAt finishedAt worker result
   * resultType errorType errorMessage handler. Returns per outcome 1 when it changed the
   * execution, else 0; publishes the changes, with their records when small enough.
   */
  private static final String RECORD_OUTCOMES = Entries.LUA
      + """
      local out, changes = {}, {}
      local limit = tonumber(ARGV[3])
      for i = 1, #KEYS / 2 do
        local e, c, b = KEYS[2 * i - 1], KEYS[2 * i], 3 + (i - 1) * 11
        local cur = redis.call('HGET', e, 's')
        if cur == 'SUCCEEDED' or cur == 'FAILED' or cur == 'TIMEOUT' then
          out[i] = 0
        else
          redis.call('HSET', e, 'id', ARGV[b + 1], 's', ARGV[b + 2], 'a', ARGV[b + 3], 'st', ARGV[b + 4], 'fin', ARGV[b + 5],
            'w', ARGV[b + 6], 'r', ARGV[b + 7], 'rc', ARGV[b + 8], 'et', ARGV[b + 9], 'em', ARGV[b + 10])
          if not cur then redis.call('HSET', e, 'h', ARGV[b + 11], 'sub', ARGV[b + 4], 'p', 'MEDIUM', 't', '0', 'k', '') end
          redis.call('PEXPIRE', e, ARGV[1])
          redis.call('DEL', c)
          out[i] = 1
          local fields = nil
          if #ARGV[b + 7] <= limit then fields = redis.call('HGETALL', e) end
          changes[#changes + 1] = tg_entry(ARGV[b + 1], ARGV[b + 2], fields)
        end
      end
      if #changes > 0 then redis.call('PUBLISH', ARGV[2], table.concat(changes)) end
      return out
      """;

  /**
   * KEYS: exec per execution. ARGV: terminalOnly ('1' or '0'), then the ids. Returns the entries
   * of all, the fields left out of unfinished ones when terminalOnly, the status empty when absent.
   */
  private static final String READ = Entries.LUA
      + """
      local parts = {}
      for i = 1, #KEYS do
        local s = redis.call('HGET', KEYS[i], 's')
        if not s then
          parts[i] = tg_entry(ARGV[i + 1], '', nil)
        elseif ARGV[1] == '1' and s ~= 'SUCCEEDED' and s ~= 'FAILED' and s ~= 'TIMEOUT' then
          parts[i] = tg_entry(ARGV[i + 1], s, nil)
        else
          parts[i] = tg_entry(ARGV[i + 1], s, redis.call('HGETALL', KEYS[i]))
        end
      end
      return table.concat(parts)
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

  public RedisExecutionStore(RedissonClient redisson, Keyspace keys, Duration executionRetention, Duration idempotencyRetention) {
    this.redisson = redisson;
    this.keys = keys;
    this.executionRetention = executionRetention;
    this.idempotencyRetention = idempotencyRetention;
  }

  @Override
  public CompletionStage<List<Insert>> insert(List<NewExecution> executions) {
    return chunked(executions, chunk -> {
      List<Object> keyList = new ArrayList<>(chunk.size() * 2);
      List<Object> args = new ArrayList<>(2 + chunk.size() * 7);
      args.add(Long.toString(idempotencyRetention.toMillis()));
      args.add(Long.toString(executionRetention.toMillis()));
      for (NewExecution e : chunk) {
        TaskSpec spec = e.spec();
        String idem = spec.idempotencyKey().map(k -> k.value()).orElse("");
        keyList.add(keys.execution(e.executionId()));
        keyList.add(keys.idempotency(idem));
        args.add(e.executionId());
        args.add(spec.handler().value());
        args.add(spec.priority().name());
        args.add(Long.toString(spec.timeout().toMillis()));
        args.add(Long.toString(e.submittedAt().toEpochMilli()));
        args.add(idem);
        args.add(Integer.toString(spec.labels().values().size()));
        spec.labels().values().forEach((k, v) -> {
          args.add(k);
          args.add(v);
        });
      }
      return this.<List<String>>eval(INSERT, RScript.ReturnType.LIST, keyList, args).thenApply(replies -> {
        List<Insert> out = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
          String r = replies.get(i);
          out.add(r.startsWith("DUP:") ? new Insert.Duplicate(r.substring(4)) : new Insert.Created(chunk.get(i).executionId()));
        }
        return out;
      });
    });
  }

  @Override
  public CompletionStage<Void> remove(List<NewExecution> executions) {
    return chunked(executions, chunk -> {
      List<Object> keyList = new ArrayList<>(chunk.size() * 2);
      List<Object> args = new ArrayList<>(chunk.size() * 2);
      for (NewExecution e : chunk) {
        String idem = e.spec().idempotencyKey().map(k -> k.value()).orElse("");
        keyList.add(keys.execution(e.executionId()));
        keyList.add(keys.idempotency(idem));
        args.add(e.executionId());
        args.add(idem);
      }
      return this.<Long>eval(REMOVE, RScript.ReturnType.LONG, keyList, args).thenApply(r -> List.<Void>of());
    }).thenApply(r -> null);
  }

  @Override
  public CompletionStage<Integer> recordOutcomes(List<ReportedOutcome> outcomes) {
    return chunked(outcomes, chunk -> {
      List<Object> keyList = new ArrayList<>(chunk.size() * 2);
      List<Object> args = new ArrayList<>(3 + chunk.size() * 11);
      args.add(Long.toString(executionRetention.toMillis()));
      args.add(keys.changes());
      args.add(Integer.toString(MAX_INLINE_RESULT));
      for (ReportedOutcome r : chunk) {
        Outcome o = r.outcome();
        String result = "";
        String resultType = "";
        String errorType = "";
        String errorMessage = "";
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
        }
        keyList.add(keys.execution(r.executionId()));
        keyList.add(keys.claim(r.executionId()));
        Collections.addAll(args, r.executionId(), o.status().name(), Integer.toString(r.attempt()),
            Long.toString(o.startedAt().toEpochMilli()), Long.toString(o.finishedAt().toEpochMilli()),
            r.workerId(), result, resultType, errorType, errorMessage, r.handler());
      }
      return this.<List<Long>>eval(RECORD_OUTCOMES, RScript.ReturnType.LIST, keyList, args);
    }).thenApply(changed -> (int) changed.stream().filter(c -> c == 1L).count());
  }

  @Override
  public CompletionStage<Optional<ExecutionRecord>> get(String executionId) {
    return read(List.of(executionId), false).thenApply(m -> Optional.ofNullable(m.get(executionId)).flatMap(Snapshot::record));
  }

  @Override
  public CompletionStage<Map<String, Snapshot>> read(Collection<String> executionIds, boolean terminalOnly) {
    if (executionIds.isEmpty()) return CompletableFuture.completedFuture(Map.of());
    return chunked(List.copyOf(executionIds), chunk -> {
      List<Object> keyList = new ArrayList<>(chunk.size());
      List<Object> args = new ArrayList<>(chunk.size() + 1);
      args.add(terminalOnly ? "1" : "0");
      for (String id : chunk) {
        keyList.add(keys.execution(id));
        args.add(id);
      }
      return this.<byte[]>eval(STRINGS_IN_BYTES_OUT, READ, RScript.ReturnType.VALUE, keyList, args).thenApply(RedisExecutionStore::snapshots);
    }).thenApply(all -> {
      Map<String, Snapshot> out = new HashMap<>();
      for (Snapshot s : all) out.put(s.executionId(), s);
      return out;
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

  private <R> CompletionStage<R> eval(String script, RScript.ReturnType type, List<Object> keyList, List<Object> args) {
    return eval(StringCodec.INSTANCE, script, type, keyList, args);
  }

  private <R> CompletionStage<R> eval(Codec codec, String script, RScript.ReturnType type, List<Object> keyList, List<Object> args) {
    return redisson.getScript(codec).<R>evalAsync(RScript.Mode.READ_WRITE, script, type, keyList, args.toArray())
        .handle((r, error) -> {
          if (error != null) throw unavailable(error);
          return r;
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
    return new ExecutionRecord(
        executionId,
        h.getOrDefault(Fields.HANDLER, ""),
        status,
        Integer.parseInt(h.getOrDefault(Fields.ATTEMPT, "0")),
        Priority.valueOf(h.getOrDefault(Fields.PRIORITY, "MEDIUM")),
        labels,
        Duration.ofMillis(Long.parseLong(h.getOrDefault(Fields.TIMEOUT_MS, "0"))),
        h.getOrDefault(Fields.IDEMPOTENCY_KEY, ""),
        instant(h.get(Fields.SUBMITTED_AT_MS)).orElse(Instant.EPOCH),
        status == ExecutionStatus.PENDING ? Optional.empty() : instant(h.get(Fields.STARTED_AT_MS)),
        status.isTerminal() ? instant(h.get(Fields.FINISHED_AT_MS)) : Optional.empty(),
        h.getOrDefault(Fields.WORKER, ""),
        result,
        nonEmpty(h.get(Fields.ERROR_TYPE)),
        nonEmpty(h.get(Fields.ERROR_MESSAGE)));
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
