package io.taskgrid.coordinator.internal.queue;

import io.taskgrid.coordinator.internal.api.ProtoMapping;
import io.taskgrid.wire.PolicyMapping;
import io.taskgrid.coordinator.internal.store.ExecutionStore.NewExecution;
import io.taskgrid.core.Labels;
import io.taskgrid.core.Payload;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.TaskSpec;
import io.taskgrid.core.TaskTopics;
import io.taskgrid.core.task.RegisteredTask;
import io.taskgrid.proto.v1.Event;
import io.taskgrid.proto.v1.TaskMessage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Task messages for executions: submitted ones, and those a registered task's trigger produced. */
public final class ExecutionMessages {
  /** Label naming the registered task an execution came from. */
  public static final String TASK_LABEL = "taskgrid/task";
  /** Label naming what produced it: cron, after, at, event or run_now. */
  public static final String TRIGGER_LABEL = "taskgrid/trigger";
  /** Label holding the fire time (ISO instant) of a scheduled execution. */
  public static final String FIRE_TIME_LABEL = "taskgrid/fire-time";
  /** Label holding the name of the event that triggered it. */
  public static final String EVENT_LABEL = "taskgrid/event";
  /**
   * Label of the one execution summing up missed fires too many to record one by one: how many
   * more fires were skipped ({@code 10000+} when counting stopped there), at or before its fire time.
   */
  public static final String SKIPPED_FIRES_LABEL = "taskgrid/skipped-fires";
  /** Label of that summary: the fires it counts are after this instant (the last fire before the outage). */
  public static final String SKIPPED_AFTER_LABEL = "taskgrid/skipped-after";

  private ExecutionMessages() {}

  /**
   * The topic {@code message} is written to: its priority's. Every writer of task messages (submit,
   * fires, retries released later) calls this, so a priority's messages are all on one topic.
   */
  public static String topicOf(TaskTopics topics, TaskMessage message) {
    return topics.forPriority(ProtoMapping.toPriority(message.getPriorityValue()));
  }

  /** The message of a submitted (or any) execution. */
  public static TaskMessage toMessage(NewExecution e) {
    TaskSpec s = e.spec();
    TaskMessage.Builder b = TaskMessage.newBuilder()
        .setExecutionId(e.executionId())
        .setHandler(s.handler().value())
        .setPayload(ProtoMapping.toProto(s.payload()))
        .setAttempt(1)
        .setTimeout(ProtoMapping.toProto(s.timeout()))
        .setEnqueuedAt(ProtoMapping.toProto(e.submittedAt()))
        .setPriority(ProtoMapping.toProto(s.priority()))
        .putAllLabels(s.labels().values())
        .setIdempotencyKey(s.idempotencyKey().map(k -> k.value()).orElse(""));
    if (!s.policy().isEmpty()) b.setPolicy(PolicyMapping.toProto(s.policy()));
    return b.build();
  }

  /**
   * An execution of a registered task.
   *
   * @param trigger what produced it (cron, after, at, event, run_now)
   * @param fireTime the fire time, for scheduled executions
   * @param event the event that triggered it, for event-triggered ones
   */
  public static NewExecution execution(String executionId, RegisteredTask task, Payload payload, String trigger,
      Optional<Instant> fireTime, Optional<Event> event, SubmissionLimits limits, Instant now) {
    return execution(executionId, task, payload, trigger, fireTime, event, Map.of(), limits, now);
  }

  /** {@link #execution(String, RegisteredTask, Payload, String, Optional, Optional, SubmissionLimits, Instant)} with more labels. */
  public static NewExecution execution(String executionId, RegisteredTask task, Payload payload, String trigger,
      Optional<Instant> fireTime, Optional<Event> event, Map<String, String> extraLabels, SubmissionLimits limits, Instant now) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(TASK_LABEL, task.id().value());
    labels.put(TRIGGER_LABEL, trigger);
    fireTime.ifPresent(t -> labels.put(FIRE_TIME_LABEL, t.toString()));
    event.ifPresent(ev -> labels.put(EVENT_LABEL, ev.getName()));
    labels.putAll(extraLabels);
    var d = task.definition();
    TaskSpec spec = new TaskSpec(d.handler(), payload, d.timeout().orElse(limits.defaultTimeout()), d.priority(), new Labels(labels),
        Optional.empty(), d.policy());
    return new NewExecution(executionId, spec, now);
  }

  /** The message of a registered task's execution: the task, its fire time and its event travel with it. */
  public static TaskMessage toMessage(NewExecution e, RegisteredTask task, Optional<Instant> scheduledAt, Optional<Event> event) {
    TaskMessage.Builder b = toMessage(e).toBuilder().setTaskId(task.id().value());
    scheduledAt.ifPresent(t -> b.setScheduledAt(ProtoMapping.toProto(t)));
    event.ifPresent(b::setEvent);
    var pre = task.definition().preconditions();
    if (!pre.isEmpty()) b.setPreconditions(preconditions(pre));
    return b.build();
  }

  /** What the worker checks before the handler: the task's condition and dependencies. */
  static io.taskgrid.proto.v1.Preconditions preconditions(io.taskgrid.core.task.Preconditions pre) {
    var p = io.taskgrid.proto.v1.Preconditions.newBuilder();
    pre.condition().ifPresent(c -> p.setCondition(c.value()));
    pre.dependsOn().forEach(t -> p.addDependsOn(t.value()));
    if (!pre.dependsOn().isEmpty()) p.setDependencyWindow(ProtoMapping.toProto(pre.window()));
    if (!pre.waitFor().isZero()) p.setDependencyWait(ProtoMapping.toProto(pre.waitFor()));
    return p.build();
  }
}
