package io.taskgrid.core;

/**
 * The one definition of how an execution's status may change. Stores apply it (the Redis scripts
 * mirror it) so that redeliveries, duplicate reports and late reports cannot move an execution
 * backwards or out of a terminal status.
 */
public final class ExecutionStateMachine {
  private ExecutionStateMachine() {}

  /** Something that happens to an execution. */
  public sealed interface Event {
    /** A worker claimed the execution and starts (or restarts, after its worker died) a run. */
    record Claimed() implements Event {}

    /** An attempt ended. */
    record Finished(Outcome outcome) implements Event {}
  }

  /**
   * The status after {@code event}, or the same status when the event changes nothing (a claim of
   * a finished execution, a second outcome). {@code current} is null for an execution the store
   * does not know, which a worker may still run: the task message is the source of truth.
   */
  public static ExecutionStatus transition(ExecutionStatus current, Event event) {
    if (current != null && current.isTerminal()) {
      return current;
    }
    return switch (event) {
      case Event.Claimed c -> ExecutionStatus.RUNNING;
      case Event.Finished f -> f.outcome().status();
    };
  }
}
