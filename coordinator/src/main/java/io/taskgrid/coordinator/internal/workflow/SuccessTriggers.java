package io.taskgrid.coordinator.internal.workflow;

import io.taskgrid.coordinator.internal.queue.ExecutionMessages;
import io.taskgrid.coordinator.internal.queue.TaskQueue;
import io.taskgrid.coordinator.internal.registry.RegistryView;
import io.taskgrid.coordinator.internal.store.ExecutionStore;
import io.taskgrid.coordinator.internal.store.ExecutionStore.NewExecution;
import io.taskgrid.core.ExecutionId;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.task.RegisteredTask;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.coordinator.internal.lifecycle.ExecutionEvents;
import io.taskgrid.proto.v1.TaskMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Fires the tasks whose trigger is {@code on_success} of a task whose execution just succeeded.
 * The coordinator recording the success does it before acknowledging the outcome to the worker,
 * so a lost fire is retried with the worker's report; the fire's execution id is derived from the
 * upstream execution's id (and the downstream task's id and creation), so every repeat of the
 * report names the same execution: it is recorded once, and a second message of it is not run
 * again by workers (their claim finds it taken or finished).
 */
public final class SuccessTriggers {
  /** Label naming the upstream execution whose success fired an execution. */
  public static final String UPSTREAM_LABEL = "taskgrid/upstream";
  /** Turns nothing into fires (a coordinator without a registry). */
  public static final SuccessTriggers NONE = new SuccessTriggers(null, null, null, null, null);

  /** An execution of a registered task that succeeded. */
  public record Success(String executionId, TaskId task, Instant finishedAt) {}

  private final RegistryView view;
  private final ExecutionStore store;
  private final TaskQueue queue;
  private final SubmissionLimits limits;
  private final Clock clock;
  private final ExecutionEvents lifecycle;

  public SuccessTriggers(RegistryView view, ExecutionStore store, TaskQueue queue, SubmissionLimits limits, Clock clock) {
    this(view, store, queue, limits, clock, ExecutionEvents.OFF);
  }

  /** @param lifecycle where the fired executions are emitted as queued, once their messages are durable */
  public SuccessTriggers(RegistryView view, ExecutionStore store, TaskQueue queue, SubmissionLimits limits, Clock clock,
      ExecutionEvents lifecycle) {
    this.lifecycle = lifecycle;
    this.view = view;
    this.store = store;
    this.queue = queue;
    this.limits = limits;
    this.clock = clock;
  }

  /** An execution a success fires, and its task. */
  public record Fire(NewExecution execution, RegisteredTask task) {}

  /** The executions {@code successes} fire now (none when no task follows them). */
  public List<Fire> plan(List<Success> successes) {
    if (view == null || successes.isEmpty()) return List.of();
    Instant now = clock.instant();
    List<Fire> out = new ArrayList<>();
    for (Success s : successes) {
      for (RegisteredTask task : view.successorsOf(s.task())) {
        String id = fireId(task, s.executionId(), s.finishedAt());
        out.add(new Fire(ExecutionMessages.execution(id, task, task.definition().payload(), "on_success", Optional.empty(), Optional.empty(),
            Map.of(UPSTREAM_LABEL, s.executionId()), limits, now), task));
      }
    }
    return out;
  }

  /** Records and queues the fires of {@code successes}; completes once their messages are durable. */
  public CompletionStage<Void> fire(List<Success> successes) {
    List<Fire> fires = plan(successes);
    if (fires.isEmpty()) return CompletableFuture.completedFuture(null);
    // a repeated report finds the executions recorded and queues their messages again: the first
    // queueing may have been lost, and workers run an execution at most once
    List<TaskMessage> messages =
        fires.stream().map(f -> ExecutionMessages.toMessage(f.execution(), f.task(), Optional.empty(), Optional.empty())).toList();
    return store.insert(fires.stream().map(Fire::execution).toList())
        .thenCompose(inserts -> queue.enqueue(messages))
        .thenRun(() -> lifecycle.queued(messages));
  }

  /** The same id for the same upstream execution and downstream task, on every coordinator. */
  static String fireId(RegisteredTask task, String upstreamExecutionId, Instant finishedAt) {
    return ExecutionId.derived(finishedAt, "on_success", task.id().value(), task.createdAt().toString(), upstreamExecutionId).value();
  }
}
