package io.taskgrid.coordinator.internal.registry;

import io.taskgrid.core.AlreadyExistsException;
import io.taskgrid.core.ConflictException;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.NotFoundException;
import io.taskgrid.core.task.DependencyGraph;
import io.taskgrid.core.task.FireProgress;
import io.taskgrid.core.task.RegisteredTask;
import io.taskgrid.core.task.TaskDefinition;
import io.taskgrid.core.task.TaskId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import io.taskgrid.proto.v1.LifecycleEventKind;
import io.taskgrid.wire.lifecycle.LifecycleEvents;

/**
 * Registered tasks: every change is decided under the task's lock against a view that is in sync
 * with Kafka, written to the registry topic, and answered once this coordinator's view holds it.
 * Each change that was written is then emitted as a lifecycle event.
 */
public final class TaskRegistry {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  /** The outcome of a create or upsert. */
  public record Change(RegisteredTask task, boolean changed) {}

  private final RegistryLog log;
  private final RegistryView view;
  private final TaskLocks locks;
  private final Clock clock;
  private final LifecycleEvents events;

  public TaskRegistry(RegistryLog log, RegistryView view, TaskLocks locks, Clock clock) {
    this(log, view, locks, clock, LifecycleEvents.OFF);
  }

  /** @param events where registrations, updates, pauses, resumes and deletes are emitted once written */
  public TaskRegistry(RegistryLog log, RegistryView view, TaskLocks locks, Clock clock, LifecycleEvents events) {
    this.events = events;
    this.log = log;
    this.view = view;
    this.locks = locks;
    this.clock = clock;
  }

  public RegistryView view() {
    return view;
  }

  /**
   * Registers {@code definition}. An identical definition under the same id is a no-op; a different
   * one is {@link AlreadyExistsException}.
   */
  public Change create(TaskDefinition definition) {
    return register(definition, false);
  }

  /** Creates the task, or updates it when its definition differs (the tasks file's upsert). */
  public Change upsert(TaskDefinition definition) {
    return register(definition, true);
  }

  private Change register(TaskDefinition definition, boolean replace) {
    return locks.withLock(definition.id(), () -> {
      log.awaitSync(READ_TIMEOUT);
      Optional<RegisteredTask> existing = view.task(definition.id());
      if (existing.isPresent() && existing.get().definition().equals(definition)) return new Change(existing.get(), false);
      if (existing.isPresent() && !replace) {
        throw new AlreadyExistsException("task.id: a task \"" + definition.id() + "\" exists with a different definition (use UpdateTask)");
      }
      definition.requireFuture(clock.instant());
      requireNoCycle(definition);
      RegisteredTask next = existing.map(t -> t.update(definition, clock.instant())).orElseGet(() -> RegisteredTask.create(definition, clock.instant()));
      log.write(next);
      events.task(existing.isPresent() ? LifecycleEventKind.TASK_UPDATED : LifecycleEventKind.TASK_REGISTERED, next.id().value());
      return new Change(next, true);
    });
  }

  /** Replaces a task's definition; {@code expectedRevision} 0 means any. */
  public RegisteredTask update(TaskDefinition definition, long expectedRevision) {
    return locks.withLock(definition.id(), () -> {
      RegisteredTask current = require(definition.id(), "task.id");
      if (expectedRevision != 0 && current.revision() != expectedRevision) {
        throw new ConflictException("expected_revision: task \"" + definition.id() + "\" is at revision " + current.revision()
            + ", not " + expectedRevision);
      }
      if (current.definition().equals(definition)) return current;
      if (!current.definition().trigger().equals(definition.trigger())) definition.requireFuture(clock.instant());
      requireNoCycle(definition);
      RegisteredTask next = current.update(definition, clock.instant());
      log.write(next);
      events.task(LifecycleEventKind.TASK_UPDATED, next.id().value());
      return next;
    });
  }

  /**
   * Refuses a definition that closes a cycle through depends_on (and on_success triggers) with the
   * tasks registered now. Two concurrent changes of different tasks could still close one together;
   * such a cycle only makes its tasks skip, and the next change of either is refused.
   */
  private void requireNoCycle(TaskDefinition definition) {
    if (DependencyGraph.edges(definition).isEmpty()) return;
    DependencyGraph.cycleThrough(definition.id(), id -> id.equals(definition.id())
            ? DependencyGraph.edges(definition)
            : view.task(id).map(t -> DependencyGraph.edges(t.definition())).orElse(java.util.List.of()))
        .ifPresent(cycle -> {
          throw new InvalidArgumentException(DependencyGraph.field(definition, cycle), "cycle " + DependencyGraph.describe(cycle));
        });
  }

  public RegisteredTask pause(TaskId id) {
    return locks.withLock(id, () -> {
      RegisteredTask current = require(id, "task_id");
      RegisteredTask next = current.pause(clock.instant());
      if (next != current) {
        log.write(next);
        events.task(LifecycleEventKind.TASK_PAUSED, id.value());
      }
      return next;
    });
  }

  public RegisteredTask resume(TaskId id) {
    return locks.withLock(id, () -> {
      RegisteredTask current = require(id, "task_id");
      RegisteredTask next = current.resume(clock.instant());
      if (next != current) {
        log.write(next);
        events.task(LifecycleEventKind.TASK_RESUMED, id.value());
      }
      return next;
    });
  }

  public void delete(TaskId id) {
    locks.withLock(id, () -> {
      require(id, "task_id");
      log.delete(id);
      events.task(LifecycleEventKind.TASK_DELETED, id.value());
      return null;
    });
  }

  /** The task as of now (in sync with every coordinator's acknowledged writes). */
  public RegisteredTask get(TaskId id) {
    return require(id, "task_id");
  }

  public Optional<FireProgress> progress(TaskId id) {
    return view.progress(id);
  }

  /**
   * The task's latest fire, whatever made it: its trigger (cron, one-off, event), as recorded by
   * the scheduling leader, or a RunTask, as recorded by the coordinator that served it.
   */
  public Optional<FireProgress> lastFire(RegisteredTask task) {
    Optional<FireProgress> fired = view.progress(task.id()).filter(p -> p.belongsTo(task) && !p.lastExecutionId().isEmpty());
    Optional<FireProgress> run = view.lastRun(task.id()).filter(p -> p.belongsTo(task));
    if (fired.isEmpty()) return run;
    if (run.isEmpty()) return fired;
    return run.get().lastFireTime().isAfter(fired.get().lastFireTime()) ? run : fired;
  }

  /** Records a RunTask of {@code task} as its last fire; completes once this coordinator's view shows it. */
  public CompletableFuture<Void> recordRun(RegisteredTask task, Instant at, String executionId) {
    return log.recordRun(task.id(), new FireProgress(task.createdAt(), at, executionId, false));
  }

  /** Brings the view up to date with everything acknowledged so far. */
  public void sync() {
    log.awaitSync(READ_TIMEOUT);
  }

  private RegisteredTask require(TaskId id, String field) {
    log.awaitSync(READ_TIMEOUT);
    return view.task(id).orElseThrow(() -> new NotFoundException(field + ": no task \"" + id + "\" is registered"));
  }
}
