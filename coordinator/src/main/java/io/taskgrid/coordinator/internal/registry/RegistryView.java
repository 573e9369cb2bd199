package io.taskgrid.coordinator.internal.registry;

import io.taskgrid.core.task.EventName;
import io.taskgrid.core.task.FireProgress;
import io.taskgrid.core.task.RegisteredTask;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.core.task.Trigger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The registry as this coordinator last read it from Kafka: every registered task and its fire
 * progress. Written only by the registry log's reader thread; read by anyone.
 */
public final class RegistryView {
  /** Told about every change, on the reader thread; must not block. */
  public interface Listener {
    void taskChanged(TaskId id);
  }

  private final ConcurrentSkipListMap<TaskId, RegisteredTask> tasks = new ConcurrentSkipListMap<>();
  private final ConcurrentHashMap<TaskId, FireProgress> progress = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<TaskId, FireProgress> runs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<TaskId, RegisteredTask> eventTasks = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<TaskId, RegisteredTask> successTasks = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  public void addListener(Listener l) {
    listeners.add(l);
  }

  public Optional<RegisteredTask> task(TaskId id) {
    return Optional.ofNullable(tasks.get(id));
  }

  public Optional<FireProgress> progress(TaskId id) {
    return Optional.ofNullable(progress.get(id));
  }

  /** The task's latest RunTask, which does not move its schedule. */
  public Optional<FireProgress> lastRun(TaskId id) {
    return Optional.ofNullable(runs.get(id));
  }

  /** Every task, ordered by id. */
  public Collection<RegisteredTask> tasks() {
    return tasks.values();
  }

  /** Tasks with ids after {@code after} (all when null), ordered by id. */
  public Collection<RegisteredTask> tasksAfter(TaskId after) {
    return after == null ? tasks.values() : tasks.tailMap(after, false).values();
  }

  public int size() {
    return tasks.size();
  }

  /** Tasks an event of this name triggers now. */
  public List<RegisteredTask> listenersOf(EventName event) {
    List<RegisteredTask> out = new ArrayList<>();
    for (RegisteredTask t : eventTasks.values()) {
      if (t.listensTo(event)) out.add(t);
    }
    out.sort(java.util.Comparator.comparing(RegisteredTask::id));
    return out;
  }

  /** Tasks a success of {@code upstream}'s execution triggers now, ordered by id. */
  public List<RegisteredTask> successorsOf(TaskId upstream) {
    List<RegisteredTask> out = new ArrayList<>();
    for (RegisteredTask t : successTasks.values()) {
      if (t.followsSuccessOf(upstream)) out.add(t);
    }
    out.sort(java.util.Comparator.comparing(RegisteredTask::id));
    return out;
  }

  void put(RegisteredTask task) {
    tasks.put(task.id(), task);
    if (task.definition().trigger() instanceof Trigger.OnSuccess) {
      successTasks.put(task.id(), task);
    } else {
      successTasks.remove(task.id());
    }
    if (task.definition().trigger() instanceof Trigger.OnEvent) {
      eventTasks.put(task.id(), task);
    } else {
      eventTasks.remove(task.id());
    }
    changed(task.id());
  }

  void remove(TaskId id) {
    tasks.remove(id);
    eventTasks.remove(id);
    successTasks.remove(id);
    changed(id);
  }

  /** Progress is written only by the leader, which tracks its own: no listener needs telling. */
  void putProgress(TaskId id, FireProgress p) {
    progress.put(id, p);
  }

  void removeProgress(TaskId id) {
    progress.remove(id);
  }

  void putRun(TaskId id, FireProgress run) {
    runs.put(id, run);
  }

  void removeRun(TaskId id) {
    runs.remove(id);
  }

  private void changed(TaskId id) {
    for (Listener l : listeners) l.taskChanged(id);
  }
}
