package io.taskgrid.core;

/**
 * The name a handler is registered under: 1 to 200 characters, a letter or digit first, then
 * letters, digits and {@code . _ - : /}.
 */
public record HandlerName(String value) {
  public static final int MAX_LENGTH = NameRule.NAME.maxLength();

  public HandlerName {
    NameRule.NAME.check("handler", value);
  }

  @Override
  public String toString() {
    return value;
  }
}
