/**
 * The Java client of Taskgrid: {@link io.taskgrid.client.TaskgridClient} submits tasks ({@link
 * io.taskgrid.client.TaskRequest}) and returns {@link io.taskgrid.client.TaskHandle}s whose results
 * arrive as {@link io.taskgrid.client.ExecutionInfo}; {@link io.taskgrid.client.Tasks} manages
 * registered tasks ({@link io.taskgrid.client.TaskDefinition}, {@link io.taskgrid.client.TaskInfo})
 * that run on a {@link io.taskgrid.client.Trigger}, and {@link io.taskgrid.client.Events} publishes
 * the events that trigger them. Every failure is a {@link io.taskgrid.client.TaskgridException}.
 */
package io.taskgrid.client;
