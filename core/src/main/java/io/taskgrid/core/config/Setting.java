package io.taskgrid.core.config;

import io.taskgrid.core.InvalidArgumentException;
import java.util.Map;
import java.util.function.Function;

/**
 * One configuration key: its environment variable, default, documentation and parser, defined in
 * one place so the process, the docs and the README table agree.
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
    } catch (InvalidArgumentException e) {
      throw new IllegalArgumentException(name + "=" + raw + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(name + "=" + raw + ": " + e.getMessage(), e);
    }
  }

  /** A README table row. */
  public String markdownRow() {
    return "| `" + name + "` | `" + (defaultValue.isEmpty() ? "(none)" : defaultValue) + "` | " + doc + " |";
  }

  public static Integer positiveInt(String s) {
    int v = Integer.parseInt(s.trim());
    if (v < 1) throw new IllegalArgumentException("must be positive");
    return v;
  }

  public static java.time.Duration duration(String s) {
    return io.taskgrid.core.Durations.parse("value", s);
  }
}
