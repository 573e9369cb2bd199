/**
 * The Java client of Taskgrid: {@link io.taskgrid.client.TaskgridClient} submits tasks ({@link
 * io.taskgrid.client.TaskRequest}) and returns {@link io.taskgrid.client.TaskHandle}s whose results
 * arrive as {@link io.taskgrid.client.ExecutionInfo}. Every failure is a {@link
 * io.taskgrid.client.TaskgridException}.
 */
package io.taskgrid.client;
