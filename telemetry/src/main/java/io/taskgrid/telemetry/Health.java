package io.taskgrid.telemetry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A set of named checks that together say whether a process is live (its loops run) or ready
 * (it can do its work: Kafka and Redis answer). Reported as JSON: {@code {"status":"UP",
 * "checks":{"redis":{"status":"UP","detail":"..."}}}}.
 */
public final class Health {
  private final Map<String, HealthCheck> checks = new LinkedHashMap<>();

  /** Adds a check; names are unique. */
  public synchronized Health add(String name, HealthCheck check) {
    if (checks.putIfAbsent(name, check) != null) throw new IllegalArgumentException("check " + name + " added twice");
    return this;
  }

  /** Runs every check. */
  public Report check() {
    Map<String, HealthCheck> now;
    synchronized (this) {
      now = new LinkedHashMap<>(checks);
    }
    Map<String, HealthCheck.Result> results = new LinkedHashMap<>();
    now.forEach((name, c) -> results.put(name, c.safeCheck()));
    return new Report(results);
  }

  /** The results of one round of checks; up when every check is up. */
  public record Report(Map<String, HealthCheck.Result> results) {
    public boolean up() {
      return results.values().stream().allMatch(HealthCheck.Result::up);
    }

    public String toJson() {
      StringBuilder b = new StringBuilder("{\"status\":\"").append(up() ? "UP" : "DOWN").append("\",\"checks\":{");
      boolean first = true;
      for (var e : results.entrySet()) {
        if (!first) b.append(',');
        first = false;
        Json.string(b, e.getKey()).append(":{\"status\":\"").append(e.getValue().up() ? "UP" : "DOWN").append('"');
        if (e.getValue().detail() != null && !e.getValue().detail().isEmpty()) Json.string(b.append(",\"detail\":"), e.getValue().detail());
        b.append('}');
      }
      return b.append("}}").toString();
    }
  }

  /** Just enough JSON to write strings. */
  static final class Json {
    private Json() {}

    static StringBuilder string(StringBuilder b, String s) {
      b.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> {
            if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c);
          }
        }
      }
      return b.append('"');
    }
  }
}
