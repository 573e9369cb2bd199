package io.taskgrid.telemetry;

import java.util.List;
import java.util.Locale;

/**
 * One metric: its OpenTelemetry name, kind, unit, attributes and meaning, defined once so the
 * instrument, the Prometheus name and the README's table agree.
 *
 * @param name OpenTelemetry name, e.g. {@code taskgrid.execution.attempts}
 * @param kind counter, histogram or gauge
 * @param unit UCUM unit: {@code s} for durations, {@code {execution}} style annotations for counts
 * @param attributes attribute keys the metric is recorded with
 * @param doc one sentence for the README
 */
public record MetricSpec(String name, Kind kind, String unit, List<String> attributes, String doc) {
  /** How a metric is recorded. */
  public enum Kind { COUNTER, HISTOGRAM, GAUGE }

  public MetricSpec {
    attributes = List.copyOf(attributes);
    if (!name.matches("[a-z][a-z0-9_.]*")) throw new IllegalArgumentException("bad metric name " + name);
  }

  /** The name a Prometheus scrape shows (for a histogram: the stem of its _bucket, _sum and _count series). */
  public String prometheusName() {
    String base = name.replace('.', '_');
    if (unit.equals("s")) base += "_seconds";
    return kind == Kind.COUNTER ? base + "_total" : base;
  }

  /** A README table row. */
  public String markdownRow() {
    String labels = attributes.isEmpty() ? "" : "`" + String.join("`, `", attributes.stream().map(a -> a.replace('.', '_')).toList()) + "`";
    return "| `" + prometheusName() + "` | " + kind.name().toLowerCase(Locale.ROOT) + " | " + labels + " | "
        + (unit.equals("s") ? "seconds" : unit.replaceAll("[{}]", "")) + " | " + doc + " |";
  }
}
