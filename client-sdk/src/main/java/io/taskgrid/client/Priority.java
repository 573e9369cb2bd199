package io.taskgrid.client;

/** How urgent a task is. Carried with every execution; under backlog, higher ones run first. */
public enum Priority {
  /** Most urgent. */
  CRITICAL,
  /** More urgent than usual. */
  HIGH,
  /** The default. */
  MEDIUM,
  /** Less urgent than usual. */
  LOW,
  /** Runs when nothing else waits. */
  BACKGROUND
}
