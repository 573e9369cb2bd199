package io.taskgrid.coordinator.internal.store;

import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.TaskSpec;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Where executions are recorded. The coordinator's only view of Redis. */
public interface ExecutionStore extends AutoCloseable {
  /**
   * Where the single instance of side task {@code taskId} stands, beside its lease; empty when it
   * has never run. Stores without side tasks (test fakes) have none.
   */
  default Optional<io.taskgrid.core.task.SideTaskStatus> sideTaskStatus(String taskId) {
    return Optional.empty();
  }

  /**
   * The statistics counters ({@link io.taskgrid.core.keyspace.Keyspace.Stats}) read in one
   * pipelined batch: the live gauges, and the end counts summed over the given minute buckets and
   * hour buckets. Stores that keep no counters (test fakes) fail with {@link
   * io.taskgrid.core.UnavailableException}.
   */
  default CompletionStage<StatsCounters> statsCounters(List<Long> epochMinutes, List<Long> epochHours) {
    return java.util.concurrent.CompletableFuture.failedFuture(
        new io.taskgrid.core.UnavailableException("this execution store keeps no statistics", null));
  }

  /**
   * Raw statistics counters by field name ({@code <group>|<rest>}, see {@link
   * io.taskgrid.core.keyspace.Keyspace.Stats}).
   *
   * @param live the gauges now
   * @param lastHour the end counts summed over the minute buckets asked for
   * @param lastDay the end counts summed over the hour buckets asked for
   */
  record StatsCounters(Map<String, Long> live, Map<String, Long> lastHour, Map<String, Long> lastDay) {
    public StatsCounters {
      live = Map.copyOf(live);
      lastHour = Map.copyOf(lastHour);
      lastDay = Map.copyOf(lastDay);
    }
  }


  /** A new execution to record as PENDING. */
  record NewExecution(String executionId, TaskSpec spec, Instant submittedAt) {}

  /** What recording a new execution did. */
  sealed interface Insert {
    /**
     * Recorded under its own id, now or by an earlier attempt of the same insert (retried by the
     * Redis client after its reply was lost): either way its message is to be queued.
     */
    record Created(String executionId) implements Insert {}

    /** Its idempotency key was already taken by {@code existingId}; nothing was recorded. */
    record Duplicate(String existingId) implements Insert {}
  }

  /**
   * One reported outcome.
   *
   * @param nextAttempt the attempt the retry policy schedules after this one (0: none, the outcome
   *     is terminal)
   * @param nextAttemptAt when that attempt is due
   */
  record ReportedOutcome(String executionId, int attempt, String handler, String workerId, Outcome outcome, int nextAttempt,
      Optional<Instant> nextAttemptAt) {
    /** A terminal outcome. */
    public ReportedOutcome(String executionId, int attempt, String handler, String workerId, Outcome outcome) {
      this(executionId, attempt, handler, workerId, outcome, 0, Optional.empty());
    }
  }

  /** Records each execution, in order, atomically per execution. */
  CompletionStage<List<Insert>> insert(List<NewExecution> executions);

  /** Removes executions that were recorded but could not be queued (and their idempotency keys). */
  CompletionStage<Void> remove(List<NewExecution> executions);

  /**
   * Records outcomes; the first terminal outcome of an execution wins. Completes with how many
   * changed an execution once all are durable, and publishes each change.
   */
  default CompletionStage<Integer> recordOutcomes(List<ReportedOutcome> outcomes) {
    return recordEach(outcomes).thenApply(changed -> (int) changed.stream().filter(c -> c).count());
  }

  /**
   * As {@link #recordOutcomes}, completing with, per outcome in order, whether it changed its
   * execution (the lifecycle events of the changes are emitted from it).
   */
  CompletionStage<List<Boolean>> recordEach(List<ReportedOutcome> outcomes);

  CompletionStage<Optional<ExecutionRecord>> get(String executionId);

  /**
   * The state of one execution as read or as changed: its status, and its record when the read
   * or change carried it.
   */
  record Snapshot(String executionId, ExecutionStatus status, Optional<ExecutionRecord> record) {}

  /**
   * Reads many executions in one round trip. Absent ids are missing from the map. With {@code
   * terminalOnly}, the record of an execution not yet finished is left out (only its status is
   * read), which is all a watcher waiting for outcomes needs.
   */
  CompletionStage<Map<String, Snapshot>> read(Collection<String> executionIds, boolean terminalOnly);

  /** Receives the change feed of the whole cluster. */
  interface ChangeListener {
    /**
     * Executions whose status changed, anywhere in the cluster. A terminal change carries the
     * record unless its result is large; other changes carry only the status.
     */
    void changed(List<Snapshot> changes);

    /**
     * The feed was (re)subscribed: changes published while it was down are lost, so whatever
     * is watched must be read again.
     */
    void resubscribed();
  }

  /** Subscribes to the change feed. Delivery is best effort across reconnections; see {@link ChangeListener#resubscribed}. */
  void onChange(ChangeListener listener);

  /** What asking to cancel an execution found or did. */
  sealed interface Cancel {
    /** It is CANCELLED now (by this request, or it already was); {@code record} is its state. */
    record Cancelled(ExecutionRecord record) implements Cancel {}

    /**
     * It is RUNNING: its worker was asked to interrupt the handler, and the next claim of it ends
     * it CANCELLED should that worker die; {@code record} is its state now (still RUNNING).
     */
    record Requested(ExecutionRecord record) implements Cancel {}

    /** It already ended otherwise; nothing changed. */
    record AlreadyEnded(ExecutionRecord record) implements Cancel {}

    /**
     * No record of it. A tombstone remembers the cancel for the retention, so that if the record
     * was lost (Redis data loss) while its message waits in Kafka, the message does not run.
     */
    record NotFound() implements Cancel {}
  }

  /** Cancels an execution atomically; see {@link Cancel}. {@code reason} is "cancelled" or "replaced". */
  CompletionStage<Cancel> cancel(String executionId, String reason);

  /** A page of executions, newest first, and where the next one starts (empty when there is none). */
  record Page(List<ExecutionRecord> executions, Optional<PageToken> next) {}

  /** One page of the history; see {@link ExecutionQuery}. */
  CompletionStage<Page> list(ExecutionQuery query);

  /** True when the store answers now. */
  boolean isReachable();

  @Override
  void close();
}
