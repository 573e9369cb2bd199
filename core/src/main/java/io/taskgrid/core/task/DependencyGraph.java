package io.taskgrid.core.task;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Cycles among registered tasks through their dependencies: a task's edges go to the tasks it
 * depends on ({@code depends_on}) and to the task whose success triggers it ({@code on_success}).
 * A task whose run waits on itself, directly or through others, could never run, so a create or
 * update that closes a cycle is refused.
 */
public final class DependencyGraph {
  private DependencyGraph() {}

  /** The tasks {@code definition} points to: its dependencies, then the task whose success triggers it. */
  public static List<TaskId> edges(TaskDefinition definition) {
    if (!(definition.trigger() instanceof Trigger.OnSuccess on)) return definition.preconditions().dependsOn();
    List<TaskId> out = new ArrayList<>(definition.preconditions().dependsOn());
    if (!out.contains(on.task())) out.add(on.task());
    return out;
  }

  /**
   * The field a cycle found from {@code definition} is reported under: {@code depends_on} when its
   * first step is a dependency, {@code trigger.on_success} otherwise.
   */
  public static String field(TaskDefinition definition, List<TaskId> cycle) {
    return definition.preconditions().dependsOn().contains(cycle.get(1)) ? "depends_on" : "trigger.on_success";
  }

  /**
   * The first cycle through {@code start}, as the path {@code start -> ... -> start}, following
   * {@code edges} (the tasks a task points to; empty for a task not registered). Only the tasks
   * reachable from {@code start} are visited, each once.
   */
  public static Optional<List<TaskId>> cycleThrough(TaskId start, Function<TaskId, List<TaskId>> edges) {
    List<TaskId> path = new ArrayList<>();
    path.add(start);
    return search(start, start, edges, path, new HashSet<>());
  }

  private static Optional<List<TaskId>> search(TaskId start, TaskId at, Function<TaskId, List<TaskId>> edges, List<TaskId> path,
      Set<TaskId> done) {
    for (TaskId next : edges.apply(at)) {
      if (next.equals(start)) {
        List<TaskId> cycle = new ArrayList<>(path);
        cycle.add(start);
        return Optional.of(cycle);
      }
      if (!done.add(next)) continue;
      path.add(next);
      Optional<List<TaskId>> found = search(start, next, edges, path, done);
      if (found.isPresent()) return found;
      path.remove(path.size() - 1);
    }
    return Optional.empty();
  }

  /** A cycle as people read it: {@code a -> b -> a}. */
  public static String describe(List<TaskId> cycle) {
    return cycle.stream().map(TaskId::value).collect(Collectors.joining(" -> "));
  }
}
