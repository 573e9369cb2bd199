package io.taskgrid.core;

/**
 * A request field holds a value Taskgrid cannot accept. The message names the field and the
 * value, e.g. {@code timeout: must not be negative, got -5s}.
 */
public final class InvalidArgumentException extends TaskgridException {
  private final String field;

  public InvalidArgumentException(String field, String problem) {
    super(field + ": " + problem, false);
    this.field = field;
  }

  /** The path of the offending field, e.g. {@code tasks[3].handler}. */
  public String field() {
    return field;
  }

  /** The same problem reported under a longer field path (a field of an element of a batch). */
  public InvalidArgumentException under(String prefix) {
    String problem = getMessage().substring(field.length() + 2);
    return new InvalidArgumentException(prefix + "." + field, problem);
  }

  /** Quotes a user value for a message, shortening very long ones. */
  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    String shown = value.length() > 80 ? value.substring(0, 80) + "…" : value;
    return "\"" + shown.replace("\"", "\\\"") + "\"";
  }
}
