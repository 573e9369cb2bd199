package io.taskgrid.client;

import io.taskgrid.client.internal.Calls;
import io.taskgrid.client.internal.ClientOptions;
import io.taskgrid.client.internal.Convert;
import io.taskgrid.proto.v1.CreateTaskRequest;
import io.taskgrid.proto.v1.DeleteTaskRequest;
import io.taskgrid.proto.v1.GetTaskRequest;
import io.taskgrid.proto.v1.PauseTaskRequest;
import io.taskgrid.proto.v1.PreviewScheduleRequest;
import io.taskgrid.proto.v1.ResumeTaskRequest;
import io.taskgrid.proto.v1.RunTaskRequest;
import io.taskgrid.proto.v1.SubmitTaskResponse;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.UpdateTaskRequest;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Registered tasks: handlers that run on a trigger (a cron schedule, a one-off time, events) or on
 * demand, managed at runtime. Get it from {@link TaskgridClient#tasks()}; it lives as long as its
 * client and is thread-safe.
 *
 * <pre>{@code
 * Tasks tasks = client.tasks();
 * tasks.create(TaskDefinition.builder("nightly-report", "reports.nightly")
 *     .cron("0 2 * * *").timeZone("Europe/London").build());
 * tasks.pause("nightly-report");
 * TaskInfo info = tasks.get("nightly-report");
 * tasks.update(info.definition().toBuilder().cron("0 3 * * *").build(), info.revision());
 * tasks.resume("nightly-report");
 * ExecutionInfo run = tasks.runNow("nightly-report").await(Duration.ofMinutes(5));
 * }</pre>
 *
 * <h2>Deadlines and retries</h2>
 * Reads ({@link #get}, {@link #list}, {@link #listAll}, {@link #preview}) are bounded by the
 * client's {@linkplain TaskgridClient.Builder#defaultDeadline default deadline}; changes, which
 * the cluster answers only once they are durably written, by its {@linkplain
 * TaskgridClient.Builder#submitDeadline submit deadline}. A call answered with UNAVAILABLE is
 * retried within its deadline only when repeating it cannot do anything twice: reads, {@link
 * #create} (an identical repeat is a no-op), {@link #pause}, {@link #resume}, and {@link
 * #update(TaskDefinition, long)} (the revision check stops a second apply). {@link
 * #update(TaskDefinition)}, {@link #delete} and {@link #runNow(String)} are not retried: they fail
 * with {@link TaskgridUnavailableException}, and may or may not have taken effect.
 *
 * <h2>Errors</h2>
 * {@link TaskgridInvalidArgumentException} names the offending field ({@code task.trigger.cron});
 * {@link TaskgridNotFoundException} for an unknown task id; {@link TaskgridAlreadyExistsException}
 * when creating an id that exists with another definition; {@link TaskgridConflictException} when
 * an update's expected revision is stale; {@link TaskgridUnavailableException} when no coordinator
 * could do it in time.
 */
public final class Tasks {
  private final Calls calls;
  private final ClientOptions options;
  private final Function<String, CompletableFuture<ExecutionInfo>> waiter;

  Tasks(Calls calls, ClientOptions options, Function<String, CompletableFuture<ExecutionInfo>> waiter) {
    this.calls = calls;
    this.options = options;
    this.waiter = waiter;
  }

  /**
   * Registers a task and schedules its trigger. Repeating a create with an identical definition
   * does nothing and returns the stored task, so a service may create its tasks at every start.
   * Returns once the definition is durably written.
   *
   * @param definition the task
   * @return the task as stored
   * @throws TaskgridInvalidArgumentException when a field is invalid; nothing is stored
   * @throws TaskgridAlreadyExistsException when a task with this id exists with a different
   *     definition (use {@link #update})
   * @throws TaskgridUnavailableException when no coordinator could store it in time
   */
  public TaskInfo create(TaskDefinition definition) {
    Objects.requireNonNull(definition, "definition");
    var request = CreateTaskRequest.newBuilder().setTask(Convert.toProto(definition)).build();
    return Convert.fromProto(calls.call(TaskServiceGrpc.getCreateTaskMethod(), request, options.submitDeadline(), true));
  }

  /**
   * Replaces a task's definition, whatever its revision. A paused task stays paused; a changed
   * trigger or time zone schedules from now on. Not retried when a coordinator is unavailable.
   *
   * @param definition the complete new definition; its id names the task
   * @return the task as stored
   * @throws TaskgridInvalidArgumentException when a field is invalid; nothing is changed
   * @throws TaskgridNotFoundException when no task has this id
   * @throws TaskgridUnavailableException when no coordinator answered in time (the update may or
   *     may not have been applied)
   */
  public TaskInfo update(TaskDefinition definition) {
    Objects.requireNonNull(definition, "definition");
    var request = UpdateTaskRequest.newBuilder().setTask(Convert.toProto(definition)).build();
    return Convert.fromProto(calls.call(TaskServiceGrpc.getUpdateTaskMethod(), request, options.submitDeadline(), false));
  }

  /**
   * Replaces a task's definition only if the task is still at the revision read, so concurrent
   * editors do not overwrite each other. A paused task stays paused; a changed trigger or time zone
   * schedules from now on.
   *
   * @param definition the complete new definition; its id names the task
   * @param expectedRevision the {@link TaskInfo#revision()} the change was based on
   * @return the task as stored, with a higher revision
   * @throws IllegalArgumentException when {@code expectedRevision} is less than 1 (revisions start
   *     at 1; use {@link #update(TaskDefinition)} to update unconditionally)
   * @throws TaskgridConflictException when the task's revision is no longer {@code
   *     expectedRevision}; read it again and reapply the change
   * @throws TaskgridInvalidArgumentException when a field is invalid; nothing is changed
   * @throws TaskgridNotFoundException when no task has this id
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public TaskInfo update(TaskDefinition definition, long expectedRevision) {
    Objects.requireNonNull(definition, "definition");
    if (expectedRevision < 1) throw new IllegalArgumentException("expectedRevision must be at least 1, got " + expectedRevision);
    var request = UpdateTaskRequest.newBuilder().setTask(Convert.toProto(definition)).setExpectedRevision(expectedRevision).build();
    return Convert.fromProto(calls.call(TaskServiceGrpc.getUpdateTaskMethod(), request, options.submitDeadline(), true));
  }

  /**
   * Reads one task with its state and its next and last fire times.
   *
   * @param taskId the task's id
   * @return the task now
   * @throws TaskgridNotFoundException when no task has this id
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public TaskInfo get(String taskId) {
    var request = GetTaskRequest.newBuilder().setTaskId(Objects.requireNonNull(taskId, "taskId")).build();
    return Convert.fromProto(calls.call(TaskServiceGrpc.getGetTaskMethod(), request, options.defaultDeadline(), true));
  }

  /**
   * Reads one page of tasks, ordered by id.
   *
   * @param query the filters, page size and page token; {@link TaskQuery#all()} for every task
   * @return the page, with the token of the next one unless it is the last
   * @throws TaskgridInvalidArgumentException when the page size or token is invalid
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public TaskPage list(TaskQuery query) {
    Objects.requireNonNull(query, "query");
    return Convert.fromProto(calls.call(TaskServiceGrpc.getListTasksMethod(), Convert.toProto(query), options.defaultDeadline(), true));
  }

  /**
   * Every task that matches, ordered by id, read page by page as the stream is consumed: a page is
   * asked for only when the previous one is used up, and a stream that is not consumed asks for
   * nothing. Tasks created or deleted meanwhile may or may not appear.
   *
   * @param query the filters and page size, starting at its page token if it has one
   * @return a sequential, lazy stream; a failed page read throws from the stream operation that
   *     needed it, as {@link #list} throws
   */
  public Stream<TaskInfo> listAll(TaskQuery query) {
    Objects.requireNonNull(query, "query");
    Iterator<TaskInfo> tasks = new Iterator<>() {
      private Iterator<TaskInfo> page = Collections.emptyIterator();
      private String nextToken = query.pageToken().orElse(""); // null once the last page was read

      @Override
      public boolean hasNext() {
        while (!page.hasNext() && nextToken != null) {
          TaskPage read = list(query.withPageToken(nextToken));
          page = read.tasks().iterator();
          nextToken = read.nextPageToken().orElse(null);
        }
        return page.hasNext();
      }

      @Override
      public TaskInfo next() {
        if (!hasNext()) throw new NoSuchElementException();
        return page.next();
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(tasks, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  /**
   * Stops a task's trigger from firing until {@link #resume}. Executions already started go on.
   * Pausing a paused task does nothing.
   *
   * @param taskId the task's id
   * @return the task, {@link TaskState#PAUSED}
   * @throws TaskgridNotFoundException when no task has this id
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public TaskInfo pause(String taskId) {
    var request = PauseTaskRequest.newBuilder().setTaskId(Objects.requireNonNull(taskId, "taskId")).build();
    return Convert.fromProto(calls.call(TaskServiceGrpc.getPauseTaskMethod(), request, options.submitDeadline(), true));
  }

  /**
   * Lets a paused task fire again from now on; fires missed while it was paused are not run.
   * Resuming a task that is not paused does nothing.
   *
   * @param taskId the task's id
   * @return the task
   * @throws TaskgridNotFoundException when no task has this id
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public TaskInfo resume(String taskId) {
    var request = ResumeTaskRequest.newBuilder().setTaskId(Objects.requireNonNull(taskId, "taskId")).build();
    return Convert.fromProto(calls.call(TaskServiceGrpc.getResumeTaskMethod(), request, options.submitDeadline(), true));
  }

  /**
   * Removes a task; it does not fire after this returns. Executions already queued still run. Not
   * retried when a coordinator is unavailable.
   *
   * @param taskId the task's id
   * @throws TaskgridNotFoundException when no task has this id
   * @throws TaskgridUnavailableException when no coordinator answered in time (the task may or
   *     may not have been deleted)
   */
  public void delete(String taskId) {
    var request = DeleteTaskRequest.newBuilder().setTaskId(Objects.requireNonNull(taskId, "taskId")).build();
    calls.call(TaskServiceGrpc.getDeleteTaskMethod(), request, options.submitDeadline(), false);
  }

  /**
   * Runs a registered task once now, with its own payload, whatever its trigger and state (paused
   * and disabled tasks too). Not retried when a coordinator is unavailable.
   *
   * @param taskId the task's id
   * @return the handle of the new execution: {@link TaskHandle#result()} and {@link
   *     TaskHandle#await} work as for {@link TaskgridClient#submit}
   * @throws TaskgridNotFoundException when no task has this id
   * @throws TaskgridUnavailableException when no coordinator answered in time (the execution may
   *     or may not have been queued)
   */
  public TaskHandle runNow(String taskId) {
    var request = RunTaskRequest.newBuilder().setTaskId(Objects.requireNonNull(taskId, "taskId")).build();
    return handle(calls.call(TaskServiceGrpc.getRunTaskMethod(), request, options.submitDeadline(), false));
  }

  /**
   * Runs a registered task once now, with the given payload instead of its own.
   *
   * @param taskId the task's id
   * @param payload the input of this execution
   * @return the handle of the new execution
   * @throws TaskgridInvalidArgumentException when the payload is too large
   * @throws TaskgridNotFoundException when no task has this id
   * @throws TaskgridUnavailableException when no coordinator answered in time (the execution may
   *     or may not have been queued)
   */
  public TaskHandle runNow(String taskId, Payload payload) {
    var request = RunTaskRequest.newBuilder()
        .setTaskId(Objects.requireNonNull(taskId, "taskId"))
        .setPayload(Convert.toProto(Objects.requireNonNull(payload, "payload")))
        .build();
    return handle(calls.call(TaskServiceGrpc.getRunTaskMethod(), request, options.submitDeadline(), false));
  }

  /**
   * The next fire times of a cron expression, computed by the cluster with the rules it schedules
   * by: check an expression before registering it.
   *
   * @param expression a cron expression or preset, as {@link TaskDefinition.Builder#cron} takes
   * @param zone the time zone to read it in, or null for the cluster's default zone
   * @param from fire times strictly after this are returned; null for now
   * @param count how many: 1 to 1000, or 0 for 10
   * @return the fire times, ascending; fewer than {@code count} if the schedule ends
   * @throws TaskgridInvalidArgumentException naming {@code expression}, {@code time_zone} or
   *     {@code count} when one is invalid
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public List<Instant> preview(String expression, ZoneId zone, Instant from, int count) {
    var request = PreviewScheduleRequest.newBuilder().setExpression(Objects.requireNonNull(expression, "expression")).setCount(count);
    if (zone != null) request.setTimeZone(zone.getId());
    if (from != null) request.setFrom(Convert.toProto(from));
    return calls.call(TaskServiceGrpc.getPreviewScheduleMethod(), request.build(), options.defaultDeadline(), true)
        .getFireTimesList().stream()
        .map(Convert::instant)
        .toList();
  }

  /**
   * The next fire times of a cron expression from now, in the cluster's default zone.
   *
   * @param expression a cron expression or preset
   * @param count how many: 1 to 1000, or 0 for 10
   * @return the fire times, ascending
   * @throws TaskgridInvalidArgumentException when the expression or count is invalid
   * @throws TaskgridUnavailableException when no coordinator answered in time
   */
  public List<Instant> preview(String expression, int count) {
    return preview(expression, null, null, count);
  }

  private TaskHandle handle(SubmitTaskResponse r) {
    return new TaskHandle(r.getExecutionId(), r.getDuplicate(), waiter, id -> TaskgridClient.cancel(calls, options, id));
  }
}
