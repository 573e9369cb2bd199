package io.taskgrid.coordinator.internal.store;

import io.taskgrid.core.Outcome;
import io.taskgrid.core.TaskSpec;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/** Where executions are recorded. The coordinator's only view of Redis. */
public interface ExecutionStore extends AutoCloseable {

  /** A new execution to record as PENDING. */
  record NewExecution(String executionId, TaskSpec spec, Instant submittedAt) {}

  /** What recording a new execution did. */
  sealed interface Insert {
    /** Recorded under its own id. */
    record Created(String executionId) implements Insert {}

    /** Its idempotency key was already taken by {@code existingId}; nothing was recorded. */
    record Duplicate(String existingId) implements Insert {}
  }

  /** One reported outcome. */
  record ReportedOutcome(String executionId, int attempt, String handler, String workerId, Outcome outcome) {}

  /** Records each execution, in order, atomically per execution. */
  CompletionStage<List<Insert>> insert(List<NewExecution> executions);

  /** Removes executions that were recorded but could not be queued (and their idempotency keys). */
  CompletionStage<Void> remove(List<NewExecution> executions);

  /**
   * Records outcomes; the first terminal outcome of an execution wins. Completes with how many
   * changed an execution once all are durable, and publishes each change.
   */
  CompletionStage<Integer> recordOutcomes(List<ReportedOutcome> outcomes);

  CompletionStage<Optional<ExecutionRecord>> get(String executionId);

  /** Reads many executions in one round trip; absent ids are missing from the map. */
  CompletionStage<Map<String, ExecutionRecord>> getAll(Collection<String> executionIds);

  /**
   * Calls {@code listener} with the id of every execution whose status changes anywhere in the
   * cluster, and whether the new status is terminal. Delivery is best effort (a dropped connection
   * loses messages), so watchers also re-read what they watch now and then.
   */
  void onChange(BiConsumer<String, Boolean> listener);

  /** True when the store answers now. */
  boolean isReachable();

  @Override
  void close();
}
