package io.taskgrid.core.task;

import io.taskgrid.core.Durations;
import io.taskgrid.core.HandlerName;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.NameRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What must hold for an execution of a registered task to run its handler, checked by the worker
 * just before the handler (on the first attempt): the task's run condition, and that the latest
 * executions of the tasks it depends on succeeded recently enough.
 *
 * @param condition the name of a condition registered on workers; empty: none
 * @param dependsOn tasks whose latest execution must have SUCCEEDED; empty: none
 * @param window how recently a dependency's latest execution must have finished
 * @param waitFor how long to wait for a dependency's latest execution that is still pending or
 *     running; zero: do not wait
 */
public record Preconditions(Optional<HandlerName> condition, List<TaskId> dependsOn, Duration window, Duration waitFor) {
  /** Nothing to check. */
  public static final Preconditions NONE = new Preconditions(Optional.empty(), List.of(), Duration.ZERO, Duration.ZERO);
  public static final int MAX_DEPENDENCIES = 32;
  public static final Duration DEFAULT_WINDOW = Duration.ofDays(1);
  public static final Duration MAX_WINDOW = Duration.ofDays(31);
  public static final Duration MAX_WAIT = Duration.ofHours(1);

  public Preconditions {
    Objects.requireNonNull(condition, "condition");
    dependsOn = List.copyOf(dependsOn);
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(waitFor, "waitFor");
  }

  /**
   * Checks the fields as a user gave them (null: not given), naming the field of a bad one. A task
   * depending on itself is the shortest cycle, refused here; longer cycles need the other tasks
   * ({@link DependencyGraph}).
   */
  public static Preconditions parse(TaskId self, String condition, List<String> dependsOn, Duration window, Duration waitFor) {
    Optional<HandlerName> cond = condition == null || condition.isEmpty()
        ? Optional.empty() : Optional.of(new HandlerName(NameRule.NAME.check("condition", condition).intern()));
    List<String> given = dependsOn == null ? List.of() : dependsOn;
    if (given.size() > MAX_DEPENDENCIES) {
      throw new InvalidArgumentException("depends_on", "at most " + MAX_DEPENDENCIES + " tasks are allowed, got " + given.size());
    }
    List<TaskId> deps = new ArrayList<>();
    Set<TaskId> seen = new HashSet<>();
    for (int i = 0; i < given.size(); i++) {
      TaskId dep = TaskId.parse("depends_on[" + i + "]", given.get(i));
      if (dep.equals(self)) throw new InvalidArgumentException("depends_on", "cycle " + self + " -> " + self);
      if (!seen.add(dep)) throw new InvalidArgumentException("depends_on[" + i + "]", "is listed twice: \"" + dep + "\"");
      deps.add(dep);
    }
    if (deps.isEmpty() && window != null && !window.isZero()) {
      throw new InvalidArgumentException("dependency_window", "applies only with depends_on, got " + Durations.format(window));
    }
    if (deps.isEmpty() && waitFor != null && !waitFor.isZero()) {
      throw new InvalidArgumentException("dependency_wait", "applies only with depends_on, got " + Durations.format(waitFor));
    }
    Duration w = window == null || window.isZero() ? (deps.isEmpty() ? Duration.ZERO : DEFAULT_WINDOW) : window;
    if (w.isNegative() || w.compareTo(MAX_WINDOW) > 0) {
      throw new InvalidArgumentException("dependency_window", "must be between 0 and " + Durations.format(MAX_WINDOW) + ", got " + Durations.format(w));
    }
    Duration wait = waitFor == null ? Duration.ZERO : waitFor;
    if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
      throw new InvalidArgumentException("dependency_wait", "must be between 0 and " + Durations.format(MAX_WAIT) + ", got " + Durations.format(wait));
    }
    if (cond.isEmpty() && deps.isEmpty()) return NONE;
    return new Preconditions(cond, deps, w.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), wait.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }

  public boolean isEmpty() {
    return condition.isEmpty() && dependsOn.isEmpty();
  }
}
