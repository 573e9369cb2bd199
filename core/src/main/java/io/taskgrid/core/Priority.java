package io.taskgrid.core;

/** How urgent a task is; higher first under backlog. */
public enum Priority {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW,
  BACKGROUND
}
