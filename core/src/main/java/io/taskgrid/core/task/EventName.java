package io.taskgrid.core.task;

import io.taskgrid.core.NameRule;

/**
 * The name of an event ({@code user:signup}): 1 to 200 characters, a letter or digit first, then
 * letters, digits and {@code . _ - : /}.
 */
public record EventName(String value) {
  public EventName {
    NameRule.NAME.check("name", value);
  }

  /** Parses a name given by a user or read from Kafka, naming {@code field} when it is malformed. */
  public static EventName parse(String field, String value) {
    return new EventName(NameRule.NAME.check(field, value));
  }

  @Override
  public String toString() {
    return value;
  }
}
