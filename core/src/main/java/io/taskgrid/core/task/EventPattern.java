package io.taskgrid.core.task;

import io.taskgrid.core.InvalidArgumentException;
import java.util.regex.Pattern;

/**
 * Which events trigger a task: an event name in which {@code *} matches any run of characters,
 * including none and including {@code :} ({@code user:*}, {@code *:failed}, {@code *}).
 */
public record EventPattern(String value) {
  public static final int MAX_LENGTH = 200;
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9*][A-Za-z0-9._:/*-]*");

  public EventPattern {
    check("trigger.event", value);
  }

  public static EventPattern parse(String field, String value) {
    check(field, value);
    return new EventPattern(value);
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
          "must be an event name in which * matches anything (user:*, *), using letters, digits and . _ - : / *, got "
              + InvalidArgumentException.quote(value));
    }
  }

  /** Whether {@code name} matches; linear in the lengths (no regex backtracking). */
  public boolean matches(EventName name) {
    return glob(value, name.value());
  }

  /** Whether the pattern has no wildcard, so it matches exactly one name. */
  public boolean isLiteral() {
    return value.indexOf('*') < 0;
  }

  private static boolean glob(String pattern, String text) {
    int p = 0;
    int t = 0;
    int star = -1;
    int mark = 0;
    while (t < text.length()) {
      if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == text.charAt(t)) {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = t;
      } else if (star >= 0) {
        p = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  @Override
  public String toString() {
    return value;
  }
}
