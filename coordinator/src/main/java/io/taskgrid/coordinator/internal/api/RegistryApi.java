package io.taskgrid.coordinator.internal.api;

import io.taskgrid.coordinator.internal.registry.RegistryCodec;
import io.taskgrid.coordinator.internal.registry.TaskRegistry;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.Payload;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.schedule.Schedule;
import io.taskgrid.core.schedule.Schedules;
import io.taskgrid.core.task.EventName;
import io.taskgrid.core.task.FireProgress;
import io.taskgrid.core.task.RegisteredTask;
import io.taskgrid.core.task.SideTaskStatus;
import io.taskgrid.core.task.TaskDefinition;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.core.task.TaskState;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.PreviewScheduleRequest;
import io.taskgrid.proto.v1.PreviewScheduleResponse;
import io.taskgrid.proto.v1.Task;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registered-task rpcs, between protobuf and the registry. */
final class RegistryApi {
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1000;
  static final int MAX_PREVIEW = 1000;
  private static final Duration RECORD_RUN_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(RegistryApi.class);

  private final TaskRegistry registry;
  private final SubmissionLimits limits;
  private final ZoneId defaultZone;
  private final Clock clock;
  private final java.util.function.Function<String, Optional<SideTaskStatus>> sideStatus;

  RegistryApi(TaskRegistry registry, SubmissionLimits limits, ZoneId defaultZone, Clock clock,
      java.util.function.Function<String, Optional<SideTaskStatus>> sideStatus) {
    this.sideStatus = sideStatus;
    this.registry = registry;
    this.limits = limits;
    this.defaultZone = defaultZone;
    this.clock = clock;
  }

  TaskDefinition definition(io.taskgrid.proto.v1.TaskDefinition proto) {
    try {
      return RegistryCodec.toDefinition(proto, limits, defaultZone);
    } catch (InvalidArgumentException e) {
      throw e.under("task");
    }
  }

  Task create(io.taskgrid.proto.v1.TaskDefinition proto) {
    TaskDefinition definition = definition(proto);
    try {
      return toProto(registry.create(definition).task());
    } catch (InvalidArgumentException e) {
      throw e.under("task"); // an `at` already past, found when registering
    }
  }

  Task update(io.taskgrid.proto.v1.TaskDefinition proto, long expectedRevision) {
    if (expectedRevision < 0) throw new InvalidArgumentException("expected_revision", "must not be negative, got " + expectedRevision);
    TaskDefinition definition = definition(proto);
    try {
      return toProto(registry.update(definition, expectedRevision));
    } catch (InvalidArgumentException e) {
      throw e.under("task");
    }
  }

  Task get(String id) {
    return toProto(registry.get(TaskId.parse("task_id", id)));
  }

  Task pause(String id) {
    return toProto(registry.pause(TaskId.parse("task_id", id)));
  }

  Task resume(String id) {
    return toProto(registry.resume(TaskId.parse("task_id", id)));
  }

  void delete(String id) {
    registry.delete(TaskId.parse("task_id", id));
  }

  RegisteredTask task(String id) {
    return registry.get(TaskId.parse("task_id", id));
  }

  /**
   * Shows a RunTask on the task as its last fire. The execution is accepted before this is
   * written, so a failure here is logged, not answered: the caller must not run it again.
   */
  CompletionStage<Void> recordRun(RegisteredTask task, Instant at, String executionId) {
    return registry.recordRun(task, at, executionId)
        .orTimeout(RECORD_RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(e -> {
          log.warn("Run {} of task {} is accepted, but recording it as the task's last fire failed: {}", executionId, task.id(), e.toString());
          return null;
        });
  }

  ListTasksResponse list(ListTasksRequest r) {
    int size = r.getPageSize() == 0 ? DEFAULT_PAGE : r.getPageSize();
    if (size < 1 || size > MAX_PAGE) throw new InvalidArgumentException("page_size", "must be between 1 and " + MAX_PAGE + ", got " + r.getPageSize());
    TaskId after = null;
    if (!r.getPageToken().isEmpty()) {
      try {
        after = new TaskId(new String(Base64.getUrlDecoder().decode(r.getPageToken()), StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        throw new InvalidArgumentException("page_token", "is not a token returned by ListTasks, got " + InvalidArgumentException.quote(r.getPageToken()));
      }
    }
    Optional<TaskState> state = switch (r.getState()) {
      case TASK_STATE_UNSPECIFIED -> Optional.empty();
      case TASK_STATE_ACTIVE -> Optional.of(TaskState.ACTIVE);
      case TASK_STATE_PAUSED -> Optional.of(TaskState.PAUSED);
      case TASK_STATE_DISABLED -> Optional.of(TaskState.DISABLED);
      case TASK_STATE_COMPLETED -> Optional.of(TaskState.COMPLETED);
      case UNRECOGNIZED -> throw new InvalidArgumentException("state", "unknown state " + r.getStateValue());
    };
    registry.sync();
    ListTasksResponse.Builder out = ListTasksResponse.newBuilder();
    RegisteredTask lastAdded = null;
    for (RegisteredTask t : registry.view().tasksAfter(after)) {
      if (!r.getTag().isEmpty() && !t.definition().tags().contains(r.getTag())) continue;
      if (!r.getCategory().isEmpty() && !t.definition().category().equals(r.getCategory())) continue;
      if (state.isPresent() && t.state(registry.progress(t.id())) != state.get()) continue;
      if (out.getTasksCount() == size) {
        out.setNextPageToken(Base64.getUrlEncoder().withoutPadding().encodeToString(lastAdded.id().value().getBytes(StandardCharsets.UTF_8)));
        break;
      }
      out.addTasks(toProto(t));
      lastAdded = t;
    }
    return out.build();
  }

  PreviewScheduleResponse preview(PreviewScheduleRequest r) {
    ZoneId zone = r.getTimeZone().isEmpty() ? defaultZone : Schedules.zone("time_zone", r.getTimeZone());
    Instant from = r.hasFrom() ? ProtoMapping.toInstant("from", r.getFrom()) : clock.instant();
    int count = r.getCount() == 0 ? 10 : r.getCount();
    if (count < 1 || count > MAX_PREVIEW) throw new InvalidArgumentException("count", "must be between 1 and " + MAX_PREVIEW + ", got " + r.getCount());
    Schedule schedule = Schedules.parse("expression", r.getExpression(), zone, from);
    PreviewScheduleResponse.Builder out = PreviewScheduleResponse.newBuilder();
    for (Instant t : schedule.preview(from, count)) out.addFireTimes(ProtoMapping.toProto(t));
    return out.build();
  }

  /** Validates an event for PublishEvent. */
  static EventName eventName(String name) {
    return EventName.parse("name", name);
  }

  Payload eventData(io.taskgrid.proto.v1.Payload data) {
    Payload p;
    try {
      p = new Payload(data.getData().toByteArray(), data.getContentType().isEmpty() ? Payload.JSON : data.getContentType());
    } catch (InvalidArgumentException e) {
      // the domain names it payload.content_type; in this request the field is data
      throw new InvalidArgumentException("data.content_type", e.getMessage().substring(e.field().length() + 2));
    }
    return p.requireAtMost("data", limits.maxPayloadBytes());
  }

  Task toProto(RegisteredTask t) {
    Optional<FireProgress> progress = registry.progress(t.id()).filter(p -> p.belongsTo(t));
    TaskState state = t.state(progress);
    Task.Builder b = Task.newBuilder()
        .setDefinition(RegistryCodec.toProto(t.definition()))
        .setState(switch (state) {
          case ACTIVE -> io.taskgrid.proto.v1.TaskState.TASK_STATE_ACTIVE;
          case PAUSED -> io.taskgrid.proto.v1.TaskState.TASK_STATE_PAUSED;
          case DISABLED -> io.taskgrid.proto.v1.TaskState.TASK_STATE_DISABLED;
          case COMPLETED -> io.taskgrid.proto.v1.TaskState.TASK_STATE_COMPLETED;
        })
        .setCreatedAt(ProtoMapping.toProto(t.createdAt()))
        .setUpdatedAt(ProtoMapping.toProto(t.updatedAt()))
        .setRevision(t.revision());
    registry.lastFire(t).ifPresent(p -> {
      b.setLastFireTime(ProtoMapping.toProto(p.lastFireTime()));
      b.setLastExecutionId(p.lastExecutionId());
    });
    if (state == TaskState.ACTIVE && t.isScheduled()) {
      Instant from = t.firedThrough(progress);
      try {
        t.schedule(defaultZone).flatMap(s -> s.next(from)).ifPresent(n -> b.setNextFireTime(ProtoMapping.toProto(n)));
      } catch (RuntimeException e) {
        // a schedule that cannot be computed has no next fire
      }
    }
    if (t.definition().isSide()) {
      sideStatus.apply(t.id().value()).ifPresent(s -> {
        var sb = io.taskgrid.proto.v1.SideTaskState.newBuilder()
            .setRunning(s.running())
            .setWorker(s.worker())
            .setRestarts(s.restarts())
            .setLastError(s.lastError());
        s.since().ifPresent(x -> sb.setSince(ProtoMapping.toProto(x)));
        s.lastErrorAt().ifPresent(x -> sb.setLastErrorAt(ProtoMapping.toProto(x)));
        b.setSideState(sb);
      });
    }
    return b.build();
  }
}
