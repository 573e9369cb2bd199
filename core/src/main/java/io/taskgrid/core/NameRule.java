package io.taskgrid.core;

import java.util.regex.Pattern;

/**
 * The shape of a name people choose (a handler, a task id, an event name or pattern): not empty,
 * at most {@code maxLength} characters, matching {@code shape}, which {@code describe} words for
 * the error message.
 */
public record NameRule(int maxLength, Pattern shape, String describe) {
  /** Letters, digits and {@code . _ - : /}, a letter or digit first: handlers, tasks, events. */
  public static final NameRule NAME = new NameRule(200, Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]*"),
      "must start with a letter or digit and contain only letters, digits and . _ - : /");

  /** Throws an {@link InvalidArgumentException} naming {@code field} unless {@code value} fits. */
  public String check(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidArgumentException(field, "must not be empty");
    }
    if (value.length() > maxLength) {
      throw new InvalidArgumentException(field, "must be at most " + maxLength + " characters, got " + value.length());
    }
    if (!shape.matcher(value).matches()) {
      throw new InvalidArgumentException(field, describe + ", got " + InvalidArgumentException.quote(value));
    }
    return value;
  }
}
