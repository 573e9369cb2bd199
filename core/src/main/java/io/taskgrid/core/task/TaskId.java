package io.taskgrid.core.task;

import io.taskgrid.core.InvalidArgumentException;
import java.util.regex.Pattern;

/**
 * The id of a registered task, chosen by its owner: 1 to 200 characters, a letter or digit first,
 * then letters, digits and {@code . _ - : /}.
 */
public record TaskId(String value) implements Comparable<TaskId> {
  public static final int MAX_LENGTH = 200;
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]*");

  public TaskId {
    check("id", value);
  }

  /** Parses an id given by a user, naming {@code field} when it is malformed. */
  public static TaskId parse(String field, String value) {
    check(field, value);
    return new TaskId(value);
  }

  private static void check(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidArgumentException(field, "must not be empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw new InvalidArgumentException(field, "must be at most " + MAX_LENGTH + " characters, got " + value.length());
    }
    if (!SHAPE.matcher(value).matches()) {
      throw new InvalidArgumentException(
          field,
          "must start with a letter or digit and contain only letters, digits and . _ - : /, got "
              + InvalidArgumentException.quote(value));
    }
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
