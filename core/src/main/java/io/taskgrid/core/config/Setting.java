package io.taskgrid.core.config;

import io.taskgrid.core.Durations;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * One configuration key: its environment variable, default, documentation and parser, defined in
 * one place so the process, the docs and the README table agree.
 *
 * <p>Errors name the variable, never the Java field: a parser throws an {@link
 * IllegalArgumentException} whose message is the problem ({@code must be a whole number}), and
 * {@link #read} reports it as {@code TASKGRID_X must be a whole number, got 'abc'}. Range checks
 * live in the config records' compact constructors and report through {@link #invalid}, so a value
 * set in code reads the same as one from the environment.
 *
 * @param name environment variable, e.g. {@code TASKGRID_GRPC_PORT}
 * @param defaultValue the value when unset, as it would be written
 * @param doc one sentence for the README table
 */
public record Setting<T>(String name, String defaultValue, String doc, Function<String, T> parser) {

  /** Reads this setting from {@code env}, falling back to the default; a bad value names the key. */
  public T read(Map<String, String> env) {
    String raw = env.getOrDefault(name, defaultValue);
    try {
      return parser.apply(raw);
    } catch (ConfigException e) {
      throw e; // already names the variable and shows the value (masked where it holds a secret)
    } catch (RuntimeException e) {
      throw new ConfigException(name, e.getMessage(), raw);
    }
  }

  /**
   * The error for a value this setting cannot take: {@code TASKGRID_CLAIM_LEASE must be at least
   * 1s, got '500ms'}. Durations are shown as they are written ({@code 500ms}, {@code 5m}).
   */
  public ConfigException invalid(String problem, Object value) {
    String shown = value instanceof Duration d ? Durations.format(d) : String.valueOf(value);
    return new ConfigException(name, problem, shown);
  }

  /** A README table row. */
  public String markdownRow() {
    return "| `" + name + "` | `" + (defaultValue.isEmpty() ? "(none)" : defaultValue) + "` | " + doc + " |";
  }

  public static Integer integer(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a whole number");
    }
  }

  public static Integer positiveInt(String s) {
    Integer v = integer(s);
    if (v < 1) throw new IllegalArgumentException("must be a positive whole number");
    return v;
  }

  public static Duration duration(String s) {
    try {
      return Durations.parse("value", s);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("must be a duration such as 500ms, 30s, 5m, 2h or 1d");
    }
  }
}
