package io.taskgrid.core.task;

import io.taskgrid.core.InvalidArgumentException;
import java.util.regex.Pattern;

/**
 * The name of an event ({@code user:signup}): 1 to 200 characters, a letter or digit first, then
 * letters, digits and {@code . _ - : /}.
 */
public record EventName(String value) {
  public static final int MAX_LENGTH = 200;
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]*");

  public EventName {
    check("name", value);
  }

  /** Parses a name given by a user or read from Kafka, naming {@code field} when it is malformed. */
  public static EventName parse(String field, String value) {
    check(field, value);
    return new EventName(value);
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
  public String toString() {
    return value;
  }
}
