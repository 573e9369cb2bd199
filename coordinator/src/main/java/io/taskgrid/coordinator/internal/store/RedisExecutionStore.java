package io.taskgrid.coordinator.internal.store;

import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.Payload;
import io.taskgrid.core.Priority;
import io.taskgrid.core.TaskSpec;
import io.taskgrid.core.UnavailableException;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.core.keyspace.Keyspace.Fields;
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
import java.util.function.BiConsumer;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ExecutionStore} on Redis through Redisson. Each operation on an execution is one Lua
 * script, so it is atomic; batches go out as one pipelined round trip.
 */
public final class RedisExecutionStore implements ExecutionStore {
  private static final Logger log = LoggerFactory.getLogger(RedisExecutionStore.class);

  /** KEYS: exec, idem. ARGV: id handler priority timeoutMs submittedAt idemKey idemTtlMs retentionMs [labelKey labelValue]... */
  private static final String INSERT =
      """
      if ARGV[6] ~= '' then
        local existing = redis.call('GET', KEYS[2])
        if existing then return 'DUP:' .. existing end
        redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[7])
      end
      redis.call('HSET', KEYS[1], 'id', ARGV[1], 'h', ARGV[2], 's', 'PENDING', 'a', '0', 'p', ARGV[3], 't', ARGV[4], 'sub', ARGV[5], 'k', ARGV[6])
      for i = 9, #ARGV, 2 do redis.call('HSET', KEYS[1], 'l:' .. ARGV[i], ARGV[i + 1]) end
      redis.call('PEXPIRE', KEYS[1], ARGV[8])
      return 'NEW'
      """;

  /** KEYS: exec, idem. ARGV: id idemKey. */
  private static final String REMOVE =
      """
      redis.call('DEL', KEYS[1])
      if ARGV[2] ~= '' and redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
      return 1
      """;

  /**
   * First terminal outcome wins. KEYS: exec, claim. ARGV: id status attempt startedAt finishedAt
   * worker result resultType errorType errorMessage handler retentionMs channel.
   */
  private static final String RECORD_OUTCOME =
      """
      local cur = redis.call('HGET', KEYS[1], 's')
      if cur == 'SUCCEEDED' or cur == 'FAILED' or cur == 'TIMEOUT' then return 0 end
      redis.call('HSET', KEYS[1], 'id', ARGV[1], 's', ARGV[2], 'a', ARGV[3], 'st', ARGV[4], 'fin', ARGV[5], 'w', ARGV[6],
        'r', ARGV[7], 'rc', ARGV[8], 'et', ARGV[9], 'em', ARGV[10])
      if not cur then redis.call('HSET', KEYS[1], 'h', ARGV[11], 'sub', ARGV[4], 'p', 'MEDIUM', 't', '0', 'k', '') end
      redis.call('PEXPIRE', KEYS[1], ARGV[12])
      redis.call('DEL', KEYS[2])
      redis.call('PUBLISH', ARGV[13], ARGV[1] .. '|' .. ARGV[2])
      return 1
      """;

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

  private RBatch batch() {
    return redisson.createBatch(BatchOptions.defaults());
  }

  @Override
  public CompletionStage<List<Insert>> insert(List<NewExecution> executions) {
    RBatch batch = batch();
    RScriptAsync script = batch.getScript(StringCodec.INSTANCE);
    List<RFuture<String>> results = new ArrayList<>(executions.size());
    for (NewExecution e : executions) {
      TaskSpec spec = e.spec();
      String idem = spec.idempotencyKey().map(k -> k.value()).orElse("");
      List<Object> args = new ArrayList<>(8 + spec.labels().values().size() * 2);
      args.add(e.executionId());
      args.add(spec.handler().value());
      args.add(spec.priority().name());
      args.add(Long.toString(spec.timeout().toMillis()));
      args.add(Long.toString(e.submittedAt().toEpochMilli()));
      args.add(idem);
      args.add(Long.toString(idempotencyRetention.toMillis()));
      args.add(Long.toString(executionRetention.toMillis()));
      spec.labels().values().forEach((k, v) -> {
        args.add(k);
        args.add(v);
      });
      results.add(script.evalAsync(RScript.Mode.READ_WRITE, INSERT, RScript.ReturnType.STRING,
          List.of(keys.execution(e.executionId()), keys.idempotency(idem)), args.toArray()));
    }
    return execute(batch).thenApply(ignored -> {
      List<Insert> out = new ArrayList<>(executions.size());
      for (int i = 0; i < executions.size(); i++) {
        String r = results.get(i).toCompletableFuture().join();
        out.add(r.startsWith("DUP:") ? new Insert.Duplicate(r.substring(4)) : new Insert.Created(executions.get(i).executionId()));
      }
      return out;
    });
  }

  @Override
  public CompletionStage<Void> remove(List<NewExecution> executions) {
    RBatch batch = batch();
    RScriptAsync script = batch.getScript(StringCodec.INSTANCE);
    for (NewExecution e : executions) {
      String idem = e.spec().idempotencyKey().map(k -> k.value()).orElse("");
      script.evalAsync(RScript.Mode.READ_WRITE, REMOVE, RScript.ReturnType.LONG,
          List.of(keys.execution(e.executionId()), keys.idempotency(idem)), e.executionId(), idem);
    }
    return execute(batch).thenApply(r -> null);
  }

  @Override
  public CompletionStage<Integer> recordOutcomes(List<ReportedOutcome> outcomes) {
    RBatch batch = batch();
    RScriptAsync script = batch.getScript(StringCodec.INSTANCE);
    List<RFuture<Long>> results = new ArrayList<>(outcomes.size());
    for (ReportedOutcome r : outcomes) {
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
      results.add(script.evalAsync(RScript.Mode.READ_WRITE, RECORD_OUTCOME, RScript.ReturnType.LONG,
          List.of(keys.execution(r.executionId()), keys.claim(r.executionId())),
          r.executionId(), o.status().name(), Integer.toString(r.attempt()),
          Long.toString(o.startedAt().toEpochMilli()), Long.toString(o.finishedAt().toEpochMilli()),
          r.workerId(), result, resultType, errorType, errorMessage, r.handler(),
          Long.toString(executionRetention.toMillis()), keys.changes()));
    }
    return execute(batch).thenApply(ignored -> {
      int changed = 0;
      for (RFuture<Long> f : results) {
        changed += f.toCompletableFuture().join().intValue();
      }
      return changed;
    });
  }

  @Override
  public CompletionStage<Optional<ExecutionRecord>> get(String executionId) {
    return redisson.<String, String>getMap(keys.execution(executionId), StringCodec.INSTANCE)
        .readAllMapAsync()
        .handle((map, error) -> {
          if (error != null) throw unavailable(error);
          return map.isEmpty() ? Optional.<ExecutionRecord>empty() : Optional.of(toRecord(executionId, map));
        });
  }

  @Override
  public CompletionStage<Map<String, ExecutionRecord>> getAll(Collection<String> executionIds) {
    if (executionIds.isEmpty()) return CompletableFuture.completedFuture(Map.of());
    RBatch batch = batch();
    Map<String, RFuture<Map<String, String>>> reads = new HashMap<>();
    for (String id : executionIds) {
      reads.put(id, batch.<String, String>getMap(keys.execution(id), StringCodec.INSTANCE).readAllMapAsync());
    }
    return execute(batch).thenApply(ignored -> {
      Map<String, ExecutionRecord> out = new HashMap<>();
      reads.forEach((id, f) -> {
        Map<String, String> map = f.toCompletableFuture().join();
        if (!map.isEmpty()) out.put(id, toRecord(id, map));
      });
      return out;
    });
  }

  @Override
  public void onChange(BiConsumer<String, Boolean> listener) {
    redisson.getTopic(keys.changes(), StringCodec.INSTANCE).addListener(String.class, (channel, message) -> {
      int bar = message.indexOf('|');
      if (bar < 0) return;
      ExecutionStatus status = ExecutionStatus.valueOf(message.substring(bar + 1));
      listener.accept(message.substring(0, bar), status.isTerminal());
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

  private CompletionStage<Void> execute(RBatch batch) {
    return batch.executeAsync().handle((r, error) -> {
      if (error != null) throw unavailable(error);
      return null;
    });
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
