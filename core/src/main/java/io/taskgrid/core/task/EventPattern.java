package io.taskgrid.core.task;

import io.taskgrid.core.NameRule;
import java.util.regex.Pattern;

/**
 * Which events trigger a task: an event name in which {@code *} matches any run of characters,
 * including none and including {@code :} ({@code user:*}, {@code *:failed}, {@code *}).
 */
public record EventPattern(String value) {
  private static final NameRule RULE = new NameRule(NameRule.NAME.maxLength(), Pattern.compile("[A-Za-z0-9*][A-Za-z0-9._:/*-]*"),
      "must be an event name in which * matches anything (user:*, *), using letters, digits and . _ - : / *");

  public EventPattern {
    RULE.check("trigger.event", value);
  }

  public static EventPattern parse(String field, String value) {
    return new EventPattern(RULE.check(field, value));
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
