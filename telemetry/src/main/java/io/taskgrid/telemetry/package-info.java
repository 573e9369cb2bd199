/**
 * Telemetry shared by coordinator and worker: the OpenTelemetry instance (configured the standard
 * way through the SDK's autoconfigure module, off unless configured), metrics, and the operations
 * HTTP endpoint (Prometheus scrape, health). No Kafka or Redis types here.
 */
package io.taskgrid.telemetry;
