package io.taskgrid.distribution;

import java.util.Map;

/**
 * The metrics the Grafana dashboard (deploy/compose/grafana/dashboards/taskgrid.json) queries, by
 * their Prometheus names, and what kind each is: the names WorkerMeters and CoordinatorMeters
 * export (MetricSpec names, dots as underscores). This list and the dashboard's queries are the
 * one place to change when a name does: GrafanaDashboardTest fails on a name used but not listed, or listed but not used.
 */
final class DashboardMetrics {
  private DashboardMetrics() {}

  enum Kind { COUNTER, GAUGE, HISTOGRAM }

  static final Map<String, Kind> NAMES = Map.of(
      "taskgrid_execution_attempts_total", Kind.COUNTER,        // {taskgrid_handler, taskgrid_outcome}
      "taskgrid_execution_duration_seconds", Kind.HISTOGRAM,    // {taskgrid_handler, taskgrid_outcome}
      "taskgrid_execution_start_delay_seconds", Kind.HISTOGRAM, // {taskgrid_handler}
      "taskgrid_worker_queue_lag", Kind.GAUGE,                  // {messaging_destination_name, messaging_destination_partition_id}
      "taskgrid_schedule_fire_delay_seconds", Kind.HISTOGRAM,   // {taskgrid_trigger}
      // one series per breaker and state, 1 for the state it is in (WorkerMeters.BREAKER_STATE)
      "taskgrid_circuit_breaker_state", Kind.GAUGE);            // {taskgrid_handler, taskgrid_circuit_breaker_key, state}
}
