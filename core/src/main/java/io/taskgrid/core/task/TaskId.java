package io.taskgrid.core.task;

import io.taskgrid.core.NameRule;

/**
 * The id of a registered task, chosen by its owner: 1 to 200 characters, a letter or digit first,
 * then letters, digits and {@code . _ - : /}.
 */
public record TaskId(String value) implements Comparable<TaskId> {
  public TaskId {
    NameRule.NAME.check("id", value);
  }

  /** Parses an id given by a user, naming {@code field} when it is malformed. */
  public static TaskId parse(String field, String value) {
    return new TaskId(NameRule.NAME.check(field, value));
  }

  @Override
  public int compareTo(TaskId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
