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
   *       them.
   *       It also copies the task id (label {@value #TASK_LABEL}) to its own field and adds the
   *       execution to the history indexes ({@link #historyAll}, {@link #historyOfHandler}, {@link
   *       #historyOfTask}); the key prefix is read from {@code e}, which is always {@code prefix ..
   *       'exec:' .. id}.
   *   <li>{@code tg_record_end(items, p)}: the index after such a record, without writing it.
   * </ul>
   */
  public static final String LUA = luaFunctions();

  private static String luaFunctions() {
    String terminal = Arrays.stream(ExecutionStatus.values())
        .filter(ExecutionStatus::isTerminal)
        .map(st -> "s == '" + st.name() + "'")
        .collect(Collectors.joining(" or "));
    return """
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
          return stop
        end
        """.formatted(terminal, Fields.ID, Fields.HANDLER, Fields.STATUS, Fields.ATTEMPT, Fields.PRIORITY, Fields.TIMEOUT_MS,
        Fields.SUBMITTED_AT_MS, Fields.IDEMPOTENCY_KEY, Fields.LABEL_PREFIX, TASK_LABEL, Fields.TASK_ID);
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

    private Fields() {}
  }
}
