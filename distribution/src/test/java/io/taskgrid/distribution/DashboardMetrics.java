package io.taskgrid.distribution;

import java.util.Map;

/**
 * The metrics the Grafana dashboard (deploy/compose/grafana/dashboards/taskgrid.json) queries, by
 * their Prometheus names, and what kind each is. These are the names the metrics change is to
 * export; when its names differ, this list and the dashboard's queries are the one place to
 * reconcile: GrafanaDashboardTest fails on a name used but not listed, or listed but not used.
 */
final class DashboardMetrics {
  private DashboardMetrics() {}

  enum Kind { COUNTER, GAUGE, HISTOGRAM }

  static final Map<String, Kind> NAMES = Map.of(
      "taskgrid_executions_total", Kind.COUNTER,                // {handler, outcome}
      "taskgrid_execution_duration_seconds", Kind.HISTOGRAM,    // {handler}
      "taskgrid_submit_to_start_seconds", Kind.HISTOGRAM,
      "taskgrid_queue_lag", Kind.GAUGE,                         // {partition}
      "taskgrid_fire_delay_seconds", Kind.HISTOGRAM,
      "taskgrid_circuit_breaker_state", Kind.GAUGE);            // {handler, state}
}
