package io.taskgrid.core.keyspace;

import io.taskgrid.core.ExecutionStatus;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Where Taskgrid keeps an execution in Redis, shared by coordinator and worker so both read and
 * write the same record. Every key starts with {@code tg:<namespace>:}, so several clusters (or
 * tests) share one Redis without seeing each other.
 *
 * <p>An execution is a hash at {@link #execution}; field names are in {@link Fields}. A worker's
 * claim on it is a string key at {@link #claim} holding the worker id, with an expiry (the lease)
 * that the worker renews while it runs the execution.
 */
public record Keyspace(String namespace) {
  public Keyspace {
    if (namespace == null || !namespace.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("namespace must be 1 to 64 letters, digits or . _ -, got " + namespace);
    }
  }

  /**
   * The start of every key: {@code tg:<namespace>:}. Batch scripts build keys from it ({@code
   * prefix .. 'exec:' .. id}), as {@link #execution}, {@link #claim} and {@link #idempotency} do.
   */
  public String prefix() {
    return "tg:" + namespace + ":";
  }

  public String execution(String executionId) {
    return "tg:" + namespace + ":exec:" + executionId;
  }

  public String claim(String executionId) {
    return "tg:" + namespace + ":claim:" + executionId;
  }

  public String idempotency(String key) {
    return "tg:" + namespace + ":idem:" + key;
  }

  /** Pub/sub channel: status changes are published in batches, each message encoded as {@link Entries}. */
  public String changes() {
    return "tg:" + namespace + ":changes";
  }

  /** Pub/sub channel of output lines of running programs, for watchers on every coordinator. */
  public String output() {
    return "tg:" + namespace + ":output";
  }

  /**
   * Pub/sub channel of cancel requests for running executions: each message is {@code
   * <executionId>\n<reason>} (reason {@code cancelled} or {@code replaced}). The worker running the
   * execution interrupts its handler; the others ignore it.
   */
  public String cancels() {
    return "tg:" + namespace + ":cancel";
  }

  /**
   * A cancel of an execution whose record is missing (Redis lost it): a claim of its message finds
   * this and records the execution CANCELLED instead of running it.
   */
  public String cancelTombstone(String executionId) {
    return "tg:" + namespace + ":cxl:" + executionId;
  }

  /**
   * The lease of a side task's single instance: a string key holding the id of the worker that
   * runs it, with an expiry that worker renews while the instance runs. Whoever sets it (NX) runs
   * the instance; when it expires (the worker died) another worker takes it.
   */
  public String sideLease(String taskId) {
    return "tg:" + namespace + ":side:" + taskId;
  }

  /**
   * Where a side task's instance stands, beside its lease: a hash with the fields of {@link
   * SideFields}, written by the worker that runs it and read by the coordinators' GetTask.
   */
  public String sideState(String taskId) {
    return "tg:" + namespace + ":side:" + taskId + ":state";
  }

  /** Field names of the {@link #sideState} hash. */
  public static final class SideFields {
    /** The worker that runs (or last ran) the instance. */
    public static final String WORKER = "w";
    /** When the current instance started, epoch ms. */
    public static final String SINCE_MS = "since";
    /** Restarts after an error. */
    public static final String RESTARTS = "restarts";
    /** The last error, {@code <type>: <message>}. */
    public static final String LAST_ERROR = "err";
    /** When it happened, epoch ms. */
    public static final String LAST_ERROR_MS = "errAt";

    private SideFields() {}
  }

  /**
   * A worker's report of itself ({@code WorkerPresence}, packed), a string key with an expiry the
   * worker refreshes every few seconds; listed by the set {@link #workers}.
   */
  public String worker(String workerId) {
    return "tg:" + namespace + ":worker:" + workerId;
  }

  /** The ids of the workers that reported themselves: a set; ids whose {@link #worker} key expired are removed on reading. */
  public String workers() {
    return "tg:" + namespace + ":workers";
  }

  /** History index of every execution: a sorted set of ids scored by submission time (ms). */
  public String historyAll() {
    return "tg:" + namespace + ":ix:all";
  }

  /** History index of one handler's executions, as {@link #historyAll}. */
  public String historyOfHandler(String handler) {
    return "tg:" + namespace + ":ix:h:" + handler;
  }

  /** History index of one registered task's executions, as {@link #historyAll}. */
  public String historyOfTask(String taskId) {
    return "tg:" + namespace + ":ix:t:" + taskId;
  }

  /** The label a registered task's executions carry, whose value is the task id. */
  public static final String TASK_LABEL = "taskgrid/task";

  /**
   * Lua functions shared by the scripts of coordinator and worker, so the terminal statuses and the
   * fields of a new execution are defined once:
   *
   * <ul>
   *   <li>{@code tg_terminal(s)}: true when status {@code s} is terminal ({@link
   *       ExecutionStatus#isTerminal}).
   *   <li>{@code tg_new_record(e, items, p)}: writes a PENDING execution's hash at key {@code e}
   *       from the packed items starting at {@code p}, laid out as: id handler priority timeoutMs
   *       submittedAtMs idempotencyKey labelCount [labelKey labelValue]...; returns the index after
   *       them and the task id ({@code ''} for none).
   *       It also copies the task id (label {@value #TASK_LABEL}) to its own field and adds the
   *       execution to the history indexes ({@link #historyAll}, {@link #historyOfHandler}, {@link
   *       #historyOfTask}); the key prefix is read from {@code e}, which is always {@code prefix ..
   *       'exec:' .. id}.
   *   <li>{@code tg_record_end(items, p)}: the index after such a record, without writing it.
   *   <li>{@code tg_stat_move(e, from, to)}: moves execution {@code e}'s live gauge ({@link
   *       Stats#live}) from status {@code from} to status {@code to} (either may be {@code false}:
   *       no record before, or a terminal status after). Every script that changes an execution's
   *       status calls it ({@code tg_new_record} does, for the new PENDING record).
   *   <li>{@code tg_stat_end(e, status, atMs, duration)}: counts execution {@code e}'s end in the
   *       minute and hour buckets of {@code atMs} ({@link Stats#minute}, {@link Stats#hour}), with
   *       its run time's histogram bucket ({@code ''}: it did not run). Called exactly where a
   *       terminal status is first written, so a resent outcome never counts twice.
   *   <li>{@code tg_stat_batch()} and {@code tg_stat_flush()}: a script over a batch of
   *       executions calls the first at its start and the second before its one return; in
   *       between, the counters' changes are summed per field and written once each at the flush
   *       (a script is atomic, so nobody sees the difference). Without them every change is
   *       written at once.
   * </ul>
   */
  public static final String LUA = luaFunctions();

  private static String luaFunctions() {
    String terminal = Arrays.stream(ExecutionStatus.values())
        .filter(ExecutionStatus::isTerminal)
        .map(st -> "s == '" + st.name() + "'")
        .collect(Collectors.joining(" or "));
    return statsLua() + """
        local function tg_terminal(s) return %s end
        local function tg_record_end(items, p) return p + 7 + 2 * tonumber(items[p + 6]) end
        local function tg_new_record(e, items, p)
          redis.call('HSET', e, '%s', items[p], '%s', items[p + 1], '%s', 'PENDING', '%s', '0', '%s', items[p + 2],
            '%s', items[p + 3], '%s', items[p + 4], '%s', items[p + 5])
          local stop = tg_record_end(items, p)
          local task = ''
          for j = p + 7, stop - 1, 2 do
            redis.call('HSET', e, '%s' .. items[j], items[j + 1])
            if items[j] == '%s' then task = items[j + 1] end
          end
          local prefix = string.sub(e, 1, #e - #items[p] - 5)
          redis.call('ZADD', prefix .. 'ix:all', items[p + 4], items[p])
          redis.call('ZADD', prefix .. 'ix:h:' .. items[p + 1], items[p + 4], items[p])
          if task ~= '' then
            redis.call('HSET', e, '%s', task)
            redis.call('ZADD', prefix .. 'ix:t:' .. task, items[p + 4], items[p])
          end
          tg_stat_g[e] = {items[p + 1], task}
          tg_stat_move(e, false, 'PENDING')
          return stop, task
        end
        """.formatted(terminal, Fields.ID, Fields.HANDLER, Fields.STATUS, Fields.ATTEMPT, Fields.PRIORITY, Fields.TIMEOUT_MS,
        Fields.SUBMITTED_AT_MS, Fields.IDEMPOTENCY_KEY, Fields.LABEL_PREFIX, TASK_LABEL, Fields.TASK_ID);
  }

  /**
   * Statistics counters, kept by the scripts that change statuses ({@link #LUA}) and read by the
   * coordinator's GetStats without scanning any execution.
   *
   * <p>Three kinds of hashes, each field named {@code <group>|<rest>} where the group is {@code
   * h:<handler>} or {@code t:<task id>} (the total is the sum of the handler groups, since every
   * execution has a handler):
   *
   * <ul>
   *   <li>{@link #live}: {@code <group>|<gauge>} = how many executions are in that state now, gauge
   *       one of {@code P} (PENDING), {@code R} (RUNNING), {@code W} (RETRY_SCHEDULED), {@code Q}
   *       (QUEUED for a concurrency permit), {@code L} (QUEUED for rate budget). A field that
   *       drops to 0 is deleted.
   *   <li>{@link #minute} and {@link #hour}: {@code <group>|<end>|<bucket>} = how many executions
   *       ended that way in that minute or hour, {@code end} one of {@code S F T K C} (SUCCEEDED,
   *       FAILED, TIMEOUT, SKIPPED, CANCELLED), {@code bucket} the run time's histogram bucket
   *       (empty when it did not run). A minute hash expires 61 minutes after its minute began, an
   *       hour hash 25 hours after its hour began.
   * </ul>
   *
   * <p>Each hash holds at most {@value #MAX_FIELDS} fields: past it, a group not yet in it counts
   * under the group name {@value #OTHER} instead, so the totals stay right and memory stays
   * bounded (about 50 bytes a field: at most ~500 KB per hash, 85 hashes).
   */
  public static final class Stats {
    /** Most fields of one statistics hash. */
    public static final int MAX_FIELDS = 10_000;
    /** The group name that counts what no longer fits in a full hash. */
    public static final String OTHER = "~other";

    private Stats() {}

    /** The gauges of executions now pending, running or waiting. */
    public static String live(Keyspace keys) {
      return keys.prefix() + "st:live";
    }

    /** The ends counted in minute {@code epochMinute} (epoch ms / 60,000). */
    public static String minute(Keyspace keys, long epochMinute) {
      return keys.prefix() + "st:m:" + epochMinute;
    }

    /** The ends counted in hour {@code epochHour} (epoch ms / 3,600,000). */
    public static String hour(Keyspace keys, long epochHour) {
      return keys.prefix() + "st:h:" + epochHour;
    }
  }

  private static String statsLua() {
    return """
      local tg_stat_codes = {PENDING = 'P', RUNNING = 'R', RETRY_SCHEDULED = 'W',
        SUCCEEDED = 'S', FAILED = 'F', TIMEOUT = 'T', SKIPPED = 'K', CANCELLED = 'C'}
      -- one HINCRBY on the common path: the field's cap is checked only when a field is created, and
      -- a count that a full hash kept under the other group is taken back from there
      local function tg_stat_apply(key, kind, name, rest, delta)
        local f = kind .. name .. '|' .. rest
        local v = redis.call('HINCRBY', key, f, delta)
        if v == delta then
          if delta > 0 then
            if redis.call('HLEN', key) <= %d then return true end
            redis.call('HDEL', key, f)
            redis.call('HINCRBY', key, kind .. '%s|' .. rest, delta)
            return true
          end
          redis.call('HDEL', key, f)
          f = kind .. '%s|' .. rest
          v = redis.call('HINCRBY', key, f, delta)
        end
        if v <= 0 then redis.call('HDEL', key, f) end
        return false
      end
      -- a batch script (tg_stat_batch at its start, tg_stat_flush before its one return) sums its
      -- changes per field and writes each field once: a batch of 1,000 claims moves the PENDING and
      -- RUNNING gauges of a handler with 2 commands instead of 2,000
      local tg_stat_pending = false
      local function tg_stat_batch() tg_stat_pending = {order = {}, keys = {}} end
      -- expireAt: set on key when this creates one of its fields (every key starts that way)
      local function tg_stat_add(key, kind, name, rest, delta, expireAt)
        if not tg_stat_pending then
          if tg_stat_apply(key, kind, name, rest, delta) and expireAt then redis.call('PEXPIREAT', key, expireAt) end
          return
        end
        local k = tg_stat_pending.keys[key]
        if not k then
          k = {order = {}, fields = {}, expireAt = expireAt}
          tg_stat_pending.keys[key] = k
          tg_stat_pending.order[#tg_stat_pending.order + 1] = key
        end
        local f = kind .. name .. '|' .. rest
        local c = k.fields[f]
        if c then
          c[4] = c[4] + delta
        else
          k.fields[f] = {kind, name, rest, delta}
          k.order[#k.order + 1] = f
        end
      end
      local function tg_stat_flush()
        if not tg_stat_pending then return end
        for _, key in ipairs(tg_stat_pending.order) do
          local k = tg_stat_pending.keys[key]
          local created = false
          for _, f in ipairs(k.order) do
            local c = k.fields[f]
            if c[4] ~= 0 then created = tg_stat_apply(key, c[1], c[2], c[3], c[4]) or created end
          end
          if created and k.expireAt then redis.call('PEXPIREAT', key, k.expireAt) end
        end
        tg_stat_pending = {order = {}, keys = {}}
      end
      local function tg_stat_group(key, g, rest, delta, expireAt)
        tg_stat_add(key, 'h:', g[1] or '', rest, delta, expireAt)
        if g[2] and g[2] ~= '' then tg_stat_add(key, 't:', g[2], rest, delta, expireAt) end
      end
      -- the handler and task of an execution, read once per script call (a script that has them at
      -- hand, from its packed items or a read it makes anyway, puts them here first)
      local tg_stat_g = {}
      local function tg_stat_groups(e)
        local g = tg_stat_g[e]
        if not g then
          g = redis.call('HMGET', e, 'h', 'tk')
          tg_stat_g[e] = g
        end
        return g
      end
      local function tg_stat_gauge(e, s)
        if s == 'QUEUED' then return redis.call('HGET', e, 'qw') or 'Q' end
        if s == 'PENDING' or s == 'RUNNING' or s == 'RETRY_SCHEDULED' then return tg_stat_codes[s] end
        return false
      end
      local function tg_stat_move(e, from, to)
        local a = from and tg_stat_gauge(e, from)
        local b = to and tg_stat_gauge(e, to)
        if a == b then return end
        local g = tg_stat_groups(e)
        local key = string.match(e, '^tg:[^:]+:') .. 'st:live'
        if a then tg_stat_group(key, g, a, -1) end
        if b then tg_stat_group(key, g, b, 1) end
      end
      local function tg_stat_end(e, status, atMs, duration)
        local g = tg_stat_groups(e)
        local p = string.match(e, '^tg:[^:]+:') .. 'st:'
        local rest = tg_stat_codes[status] .. '|' .. duration
        local m = math.floor(tonumber(atMs) / 60000)
        local h = math.floor(m / 60)
        local km, kh = p .. 'm:' .. m, p .. 'h:' .. h
        -- a bucket's expiry is set when one of its fields is created: every key starts that way
        tg_stat_group(km, g, rest, 1, (m + 61) * 60000)
        tg_stat_group(kh, g, rest, 1, (h + 25) * 3600000)
      end
      """.formatted(Stats.MAX_FIELDS, Stats.OTHER, Stats.OTHER);
  }

  /** Field names of the execution hash. Short, because there are millions of these hashes. */
  public static final class Fields {
    public static final String ID = "id";
    public static final String HANDLER = "h";
    public static final String STATUS = "s";
    public static final String ATTEMPT = "a";
    public static final String PRIORITY = "p";
    public static final String TIMEOUT_MS = "t";
    public static final String IDEMPOTENCY_KEY = "k";
    public static final String SUBMITTED_AT_MS = "sub";
    public static final String STARTED_AT_MS = "st";
    public static final String FINISHED_AT_MS = "fin";
    public static final String WORKER = "w";
    /** Result bytes, base64. */
    public static final String RESULT = "r";
    public static final String RESULT_CONTENT_TYPE = "rc";
    public static final String ERROR_TYPE = "et";
    public static final String ERROR_MESSAGE = "em";
    /** The id of the registered task that produced it; absent for a submitted execution. */
    public static final String TASK_ID = "tk";
    /** For SKIPPED and CANCELLED: why. */
    public static final String REASON = "rs";
    /**
     * Set (to the reason) when a RUNNING execution is asked to cancel: if its worker dies, the next
     * claim ends it CANCELLED instead of running it again.
     */
    public static final String CANCEL_REQUESTED = "cx";
    /** Prefix of label fields: {@code l:<key>} holds the label's value. */
    public static final String LABEL_PREFIX = "l:";
    /** For QUEUED: what it waits for, {@code Q} a concurrency permit or {@code L} rate budget. */
    public static final String QUEUED_FOR = "qw";

    private Fields() {}
  }
}
