package io.taskgrid.worker.internal;

import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.task.DependencyCheck;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.proto.v1.Preconditions;
import io.taskgrid.worker.ConditionResult;
import io.taskgrid.worker.RunCondition;
import io.taskgrid.worker.TaskContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks what a registered task's execution needs before its handler runs, on the first attempt:
 * its dependencies ({@link DependencyCheck}, waiting up to the task's dependency wait for ones still
 * running), then its run condition. Any stop is final (no retry): the checks are about this fire.
 */
public final class PreconditionCheck {
  /** How often a dependency still running is looked at again while waiting for it. */
  static final Duration POLL = Duration.ofMillis(200);

  /** Reads the latest execution of a task (an empty result: it has none). */
  @FunctionalInterface
  public interface Dependencies {
    Optional<DependencyCheck.Latest> latest(TaskId task);
  }

  /** Waits between two looks at dependencies still running (tests pass one that moves a fake clock). */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** How a run ends without its handler. */
  public record Stop(Outcome outcome) {}

  private final HandlerRegistry handlers;
  private final Dependencies dependencies;
  private final Clock clock;
  private final Sleeper sleeper;

  public PreconditionCheck(HandlerRegistry handlers, Dependencies dependencies, Clock clock) {
    this(handlers, dependencies, clock, Thread::sleep);
  }

  public PreconditionCheck(HandlerRegistry handlers, Dependencies dependencies, Clock clock, Sleeper sleeper) {
    this.handlers = handlers;
    this.dependencies = dependencies;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /**
   * Empty when the handler may run; otherwise the outcome ending the run. Blocks (on the run's
   * virtual thread) while waiting for dependencies; an interrupt (the run was cancelled or timed
   * out) ends the wait with {@link InterruptedException}.
   */
  public Optional<Stop> check(Run run, TaskContext context) throws InterruptedException {
    if (!run.message().hasPreconditions() || run.attempt() > 1) return Optional.empty();
    Preconditions p = run.message().getPreconditions();
    if (p.getDependsOnCount() > 0) {
      Optional<Stop> stop = dependencies(p);
      if (stop.isPresent()) return stop;
    }
    if (!p.getCondition().isEmpty()) return condition(p.getCondition(), context);
    return Optional.empty();
  }

  private Optional<Stop> dependencies(Preconditions p) throws InterruptedException {
    Instant start = clock.instant();
    List<TaskId> tasks = new ArrayList<>();
    Duration window;
    Duration wait;
    try {
      for (int i = 0; i < p.getDependsOnCount(); i++) tasks.add(TaskId.parse("depends_on[" + i + "]", p.getDependsOn(i)));
      window = duration("dependency_window", p.getDependencyWindow());
      wait = p.hasDependencyWait() ? duration("dependency_wait", p.getDependencyWait()) : Duration.ZERO;
    } catch (InvalidArgumentException e) {
      return Optional.of(failed(start, Outcome.Failed.DEPENDENCY_CHECK_FAILED, "preconditions." + e.getMessage()));
    }
    Instant waitUntil = start.plus(wait);
    while (true) {
      List<DependencyCheck.Dependency> latest = new ArrayList<>(tasks.size());
      try {
        for (TaskId t : tasks) latest.add(new DependencyCheck.Dependency(t, dependencies.latest(t)));
      } catch (RuntimeException e) {
        return Optional.of(failed(start, Outcome.Failed.DEPENDENCY_CHECK_FAILED, "cannot read the latest executions of " + tasks + ": " + e));
      }
      Instant now = clock.instant();
      switch (DependencyCheck.decide(latest, now, window, waitUntil)) {
        case DependencyCheck.Decision.Met m -> {
          return Optional.empty();
        }
        case DependencyCheck.Decision.NotMet n -> {
          return Optional.of(new Stop(new Outcome.Skipped(now, now, n.reason())));
        }
        case DependencyCheck.Decision.Wait w -> {
          Duration left = Duration.between(now, waitUntil);
          sleeper.sleep(left.compareTo(POLL) < 0 ? left : POLL);
        }
      }
    }
  }

  private Optional<Stop> condition(String name, TaskContext context) throws InterruptedException {
    Instant start = clock.instant();
    Optional<RunCondition> condition = handlers.condition(name);
    if (condition.isEmpty()) {
      return Optional.of(failed(start, Outcome.Failed.UNKNOWN_CONDITION,
          "no run condition \"" + name + "\" is registered on this worker (registered: " + handlers.conditionNames() + ")"));
    }
    ConditionResult result;
    try {
      result = condition.get().evaluate(context);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception | LinkageError | AssertionError e) {
      return Optional.of(failed(start, Outcome.Failed.CONDITION_FAILED,
          "run condition \"" + name + "\" threw " + e.getClass().getName() + ": " + e.getMessage()));
    }
    Instant now = clock.instant();
    return switch (result) {
      case null -> Optional.of(failed(start, Outcome.Failed.CONDITION_FAILED, "run condition \"" + name + "\" returned null"));
      case ConditionResult.Run r -> Optional.empty();
      case ConditionResult.Skip s -> Optional.of(new Stop(new Outcome.Skipped(now, now, s.reason())));
    };
  }

  private static Duration duration(String field, com.google.protobuf.Duration d) {
    Duration value = Duration.ofSeconds(d.getSeconds(), d.getNanos());
    if (value.isNegative()) throw new InvalidArgumentException(field, "must not be negative, got " + value);
    return value;
  }

  private Stop failed(Instant start, String type, String message) {
    return new Stop(new Outcome.Failed(start, clock.instant(), type, message));
  }
}
