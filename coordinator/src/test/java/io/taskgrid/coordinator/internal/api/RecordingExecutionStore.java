package io.taskgrid.coordinator.internal.api;

import io.taskgrid.coordinator.internal.store.ExecutionRecord;
import io.taskgrid.coordinator.internal.store.ExecutionStore;
import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.TaskSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Executions in memory, for fast tests: answers at once and counts every write. */
final class RecordingExecutionStore implements ExecutionStore {
  private final Map<String, ExecutionRecord> records = new ConcurrentHashMap<>();
  private final Map<String, String> idempotencyKeys = new ConcurrentHashMap<>();
  private final AtomicInteger writes = new AtomicInteger();

  /** How many inserts, removals and outcome reports changed something. */
  int writes() {
    return writes.get();
  }

  /** The ids of every execution recorded so far. */
  List<String> ids() {
    return new ArrayList<>(records.keySet());
  }

  @Override
  public synchronized CompletionStage<List<Insert>> insert(List<NewExecution> executions) {
    List<Insert> out = new ArrayList<>(executions.size());
    for (NewExecution e : executions) {
      TaskSpec s = e.spec();
      String key = s.idempotencyKey().map(k -> k.value()).orElse("");
      String existing = key.isEmpty() ? null : idempotencyKeys.get(key);
      if (existing != null) {
        out.add(new Insert.Duplicate(existing));
        continue;
      }
      if (!key.isEmpty()) idempotencyKeys.put(key, e.executionId());
      records.put(e.executionId(), new ExecutionRecord(e.executionId(), s.handler().value(), ExecutionStatus.PENDING, 1, s.priority(),
          s.labels().values(), s.timeout(), key, e.submittedAt(), Optional.empty(), Optional.empty(), "", Optional.empty(),
          Optional.empty(), Optional.empty()));
      writes.incrementAndGet();
      out.add(new Insert.Created(e.executionId()));
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public synchronized CompletionStage<Void> remove(List<NewExecution> executions) {
    for (NewExecution e : executions) {
      if (records.remove(e.executionId()) != null) writes.incrementAndGet();
      idempotencyKeys.values().remove(e.executionId());
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<List<Boolean>> recordEach(List<ReportedOutcome> outcomes) {
    writes.addAndGet(outcomes.size());
    return CompletableFuture.completedFuture(java.util.Collections.nCopies(outcomes.size(), false));
  }

  @Override
  public CompletionStage<Cancel> cancel(String executionId, String reason) {
    ExecutionRecord r = records.get(executionId);
    return CompletableFuture.completedFuture(r == null ? new Cancel.NotFound() : new Cancel.Requested(r));
  }

  @Override
  public CompletionStage<Page> list(io.taskgrid.coordinator.internal.store.ExecutionQuery query) {
    return CompletableFuture.completedFuture(new Page(List.copyOf(records.values()), Optional.empty()));
  }

  @Override
  public CompletionStage<Optional<ExecutionRecord>> get(String executionId) {
    return CompletableFuture.completedFuture(Optional.ofNullable(records.get(executionId)));
  }

  @Override
  public CompletionStage<Map<String, Snapshot>> read(Collection<String> executionIds, boolean terminalOnly) {
    Map<String, Snapshot> found = new HashMap<>();
    for (String id : executionIds) {
      ExecutionRecord r = records.get(id);
      if (r != null) found.put(id, new Snapshot(id, r.status(), Optional.of(r)));
    }
    return CompletableFuture.completedFuture(found);
  }

  private final List<ChangeListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public void onChange(ChangeListener listener) {
    listeners.add(listener); // nothing changes by itself here: see finish
  }

  /**
   * Ends these executions SUCCEEDED with {@code result} and publishes the change as one batch on
   * the change feed, each carrying its record, as a coordinator's outcome batch does.
   */
  void finish(List<String> ids, byte[] result) {
    List<Snapshot> changes = new ArrayList<>();
    for (String id : ids) {
      ExecutionRecord r = records.computeIfPresent(id, (k, old) -> new ExecutionRecord(k, old.handler(), ExecutionStatus.SUCCEEDED, 1,
          old.priority(), old.labels(), old.timeout(), old.idempotencyKey(), old.submittedAt(), Optional.of(old.submittedAt()),
          Optional.of(old.submittedAt()), "worker-1", Optional.of(new io.taskgrid.core.Payload(result, io.taskgrid.core.Payload.OCTET_STREAM)),
          Optional.empty(), Optional.empty()));
      changes.add(new Snapshot(id, r.status(), Optional.of(r)));
    }
    listeners.forEach(l -> l.changed(changes));
  }

  @Override
  public boolean isReachable() {
    return true;
  }

  @Override
  public void close() {}
}
