package io.taskgrid.core;

import java.util.regex.Pattern;

/**
 * The name a handler is registered under: 1 to 200 characters, a letter or digit first, then
 * letters, digits and {@code . _ - : /}.
 */
public record HandlerName(String value) {
  public static final int MAX_LENGTH = 200;
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]*");

  public HandlerName {
    if (value == null || value.isEmpty()) {
      throw new InvalidArgumentException("handler", "must not be empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw new InvalidArgumentException(
          "handler", "must be at most " + MAX_LENGTH + " characters, got " + value.length());
    }
    if (!SHAPE.matcher(value).matches()) {
      throw new InvalidArgumentException(
          "handler",
          "must start with a letter or digit and contain only letters, digits and . _ - : /, got "
              + InvalidArgumentException.quote(value));
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
