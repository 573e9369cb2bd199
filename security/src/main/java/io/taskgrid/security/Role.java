package io.taskgrid.security;

import java.util.Locale;

/**
 * What an identity may do. {@link #VIEWER}, {@link #OPERATOR} and {@link #ADMIN} each include the
 * ones before them; {@link #WORKER} stands apart: a worker reports outcomes and nothing else.
 */
public enum Role {
  /** Reads tasks, executions, statistics, breakers and workers. */
  VIEWER,
  /** A viewer that also submits, runs, pauses, resumes, cancels and publishes events. */
  OPERATOR,
  /** An operator that also creates, updates and deletes registered tasks and manages breakers. */
  ADMIN,
  /** A worker process: reports outcomes (ResultService), nothing of the TaskService. */
  WORKER;

  /** Whether this role may do what {@code required} may. */
  public boolean includes(Role required) {
    if (this == WORKER || required == WORKER) return this == required;
    return ordinal() >= required.ordinal();
  }

  /** The name used in configuration and answers: {@code viewer}, {@code operator}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role named {@code label} (any case). */
  public static Role parse(String label) {
    try {
      return valueOf(label.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("must be one of viewer, operator, admin, worker, got '" + label + "'");
    }
  }
}
