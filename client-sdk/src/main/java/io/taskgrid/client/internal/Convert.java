package io.taskgrid.client.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.taskgrid.client.ExecutionError;
import io.taskgrid.client.ExecutionAttempt;
import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.RetryPolicy;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.MisfirePolicy;
import io.taskgrid.client.Payload;
import io.taskgrid.client.Priority;
import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskInfo;
import io.taskgrid.client.TaskPage;
import io.taskgrid.client.TaskQuery;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskResult;
import io.taskgrid.client.TaskState;
import io.taskgrid.client.Trigger;
import io.taskgrid.proto.v1.Execution;
import io.taskgrid.proto.v1.ListTasksRequest;
import io.taskgrid.proto.v1.ListTasksResponse;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Between the SDK's types and the wire types of taskgrid.v1; protobuf stops here. */
public final class Convert {
  private Convert() {}

  /** The wire form of a request. */
  public static SubmitTaskRequest toProto(TaskRequest r) {
    SubmitTaskRequest.Builder b = SubmitTaskRequest.newBuilder()
        .setHandler(r.handler())
        .setPayload(io.taskgrid.proto.v1.Payload.newBuilder().setData(ByteString.copyFrom(r.payload())).setContentType(r.contentType()))
        .setPriority(toProto(r.priority()))
        .putAllLabels(r.labels());
    r.timeout().ifPresent(t -> b.setTimeout(toProto(t)));
    r.idempotencyKey().ifPresent(b::setIdempotencyKey);
    if (r.concurrency().isPresent() || r.rateLimit().isPresent() || r.retry().isPresent() || r.circuitBreakerKey().isPresent()) {
      io.taskgrid.proto.v1.ExecutionPolicy.Builder policy = io.taskgrid.proto.v1.ExecutionPolicy.newBuilder();
      r.concurrency().ifPresent(c -> policy.setConcurrency(toProto(c)));
      r.rateLimit().ifPresent(l -> policy.setRateLimit(toProto(l)));
      r.retry().ifPresent(p -> policy.setRetry(toProto(p)));
      r.circuitBreakerKey().ifPresent(policy::setCircuitBreakerKey);
      b.setPolicy(policy);
    }
    return b.build();
  }

  /** The SDK's view of a retry policy (the coordinator reports it with every default filled in). */
  static RetryPolicy fromProto(io.taskgrid.proto.v1.RetryPolicy p) {
    RetryPolicy.Builder b = RetryPolicy.builder().maxAttempts(Math.max(1, p.getMaxAttempts()));
    if (p.hasInitialDelay()) b.initialDelay(duration(p.getInitialDelay()));
    if (p.getBackoff() == io.taskgrid.proto.v1.Backoff.BACKOFF_FIXED) {
      b.fixed();
    } else if (p.hasMaxDelay()) {
      b.exponential(p.getMultiplier() == 0 ? 2.0 : p.getMultiplier(), duration(p.getMaxDelay()));
    }
    if (p.getJitter() > 0) b.jitter(p.getJitter());
    if (p.hasMaxDuration()) b.maxDuration(duration(p.getMaxDuration()));
    b.nonRetryable(p.getNonRetryableErrorsList().toArray(String[]::new));
    return b.build();
  }

  /** The wire form of a retry policy. */
  static io.taskgrid.proto.v1.RetryPolicy toProto(RetryPolicy p) {
    io.taskgrid.proto.v1.RetryPolicy.Builder b = io.taskgrid.proto.v1.RetryPolicy.newBuilder()
        .setMaxAttempts(p.maxAttempts())
        .setInitialDelay(toProto(p.initialDelay()))
        .setBackoff(switch (p.backoff()) {
          case FIXED -> io.taskgrid.proto.v1.Backoff.BACKOFF_FIXED;
          case EXPONENTIAL -> io.taskgrid.proto.v1.Backoff.BACKOFF_EXPONENTIAL;
        })
        .setMultiplier(p.multiplier())
        .setJitter(p.jitter())
        .addAllNonRetryableErrors(p.nonRetryable());
    p.maxDelay().ifPresent(d -> b.setMaxDelay(toProto(d)));
    p.maxDuration().ifPresent(d -> b.setMaxDuration(toProto(d)));
    return b.build();
  }

  static io.taskgrid.proto.v1.ConcurrencyPolicy toProto(io.taskgrid.client.ConcurrencyPolicy c) {
    return io.taskgrid.proto.v1.ConcurrencyPolicy.newBuilder()
        .setKey(c.key())
        .setLimit(c.limit())
        .setMaxQueued(c.maxQueued())
        .setOverlap(switch (c.overlap()) {
          case ALLOW -> io.taskgrid.proto.v1.OverlapPolicy.OVERLAP_POLICY_ALLOW;
          case SKIP -> io.taskgrid.proto.v1.OverlapPolicy.OVERLAP_POLICY_SKIP;
          case QUEUE -> io.taskgrid.proto.v1.OverlapPolicy.OVERLAP_POLICY_QUEUE;
          case REPLACE -> io.taskgrid.proto.v1.OverlapPolicy.OVERLAP_POLICY_REPLACE;
        })
        .build();
  }

  /** The SDK's view of a concurrency policy; unset values read as the contract's defaults. */
  static io.taskgrid.client.ConcurrencyPolicy fromProto(io.taskgrid.proto.v1.ConcurrencyPolicy c) {
    return io.taskgrid.client.ConcurrencyPolicy.key(c.getKey())
        .limit(c.getLimit() == 0 ? 1 : c.getLimit())
        .maxQueued(c.getMaxQueued())
        .overlap(switch (c.getOverlap()) {
          // an overlap newer than this SDK reads as the contract's default
          case OVERLAP_POLICY_ALLOW, OVERLAP_POLICY_UNSPECIFIED, UNRECOGNIZED -> io.taskgrid.client.ConcurrencyPolicy.Overlap.ALLOW;
          case OVERLAP_POLICY_SKIP -> io.taskgrid.client.ConcurrencyPolicy.Overlap.SKIP;
          case OVERLAP_POLICY_QUEUE -> io.taskgrid.client.ConcurrencyPolicy.Overlap.QUEUE;
          case OVERLAP_POLICY_REPLACE -> io.taskgrid.client.ConcurrencyPolicy.Overlap.REPLACE;
        })
        .build();
  }

  /** The SDK's view of a rate limit; unset values read as the contract's defaults. */
  static io.taskgrid.client.RateLimitPolicy fromProto(io.taskgrid.proto.v1.RateLimitPolicy l) {
    return io.taskgrid.client.RateLimitPolicy.of(l.getLimit(), l.hasPeriod() ? duration(l.getPeriod()) : Duration.ofSeconds(1))
        .key(l.getKey())
        .window(switch (l.getWindow()) {
          case RATE_WINDOW_SLIDING, RATE_WINDOW_UNSPECIFIED, UNRECOGNIZED -> io.taskgrid.client.RateLimitPolicy.Window.SLIDING;
          case RATE_WINDOW_FIXED -> io.taskgrid.client.RateLimitPolicy.Window.FIXED;
        })
        .onExcess(switch (l.getOnExcess()) {
          case RATE_EXCESS_DELAY, RATE_EXCESS_UNSPECIFIED, UNRECOGNIZED -> io.taskgrid.client.RateLimitPolicy.Excess.DELAY;
          case RATE_EXCESS_DROP -> io.taskgrid.client.RateLimitPolicy.Excess.DROP;
        })
        .build();
  }

  static io.taskgrid.proto.v1.RateLimitPolicy toProto(io.taskgrid.client.RateLimitPolicy l) {
    return io.taskgrid.proto.v1.RateLimitPolicy.newBuilder()
        .setKey(l.key())
        .setLimit(l.limit())
        .setPeriod(toProto(l.period()))
        .setWindow(switch (l.window()) {
          case SLIDING -> io.taskgrid.proto.v1.RateWindow.RATE_WINDOW_SLIDING;
          case FIXED -> io.taskgrid.proto.v1.RateWindow.RATE_WINDOW_FIXED;
        })
        .setOnExcess(switch (l.onExcess()) {
          case DELAY -> io.taskgrid.proto.v1.RateExcess.RATE_EXCESS_DELAY;
          case DROP -> io.taskgrid.proto.v1.RateExcess.RATE_EXCESS_DROP;
        })
        .build();
  }

  static io.taskgrid.proto.v1.Priority toProto(Priority p) {
    return switch (p) {
      case CRITICAL -> io.taskgrid.proto.v1.Priority.PRIORITY_CRITICAL;
      case HIGH -> io.taskgrid.proto.v1.Priority.PRIORITY_HIGH;
      case MEDIUM -> io.taskgrid.proto.v1.Priority.PRIORITY_MEDIUM;
      case LOW -> io.taskgrid.proto.v1.Priority.PRIORITY_LOW;
      case BACKGROUND -> io.taskgrid.proto.v1.Priority.PRIORITY_BACKGROUND;
    };
  }

  /** UNSPECIFIED (and values newer than this SDK) read as MEDIUM, as the contract says. */
  static Priority fromProto(io.taskgrid.proto.v1.Priority p) {
    return switch (p) {
      case PRIORITY_CRITICAL -> Priority.CRITICAL;
      case PRIORITY_HIGH -> Priority.HIGH;
      case PRIORITY_MEDIUM, PRIORITY_UNSPECIFIED, UNRECOGNIZED -> Priority.MEDIUM;
      case PRIORITY_LOW -> Priority.LOW;
      case PRIORITY_BACKGROUND -> Priority.BACKGROUND;
    };
  }

  /** UNSPECIFIED is never sent; it (and any status newer than this SDK) reads as not yet finished. */
  static ExecutionStatus fromProto(io.taskgrid.proto.v1.ExecutionStatus s) {
    return switch (s) {
      case EXECUTION_STATUS_PENDING, EXECUTION_STATUS_UNSPECIFIED, UNRECOGNIZED -> ExecutionStatus.PENDING;
      case EXECUTION_STATUS_RUNNING -> ExecutionStatus.RUNNING;
      case EXECUTION_STATUS_SUCCEEDED -> ExecutionStatus.SUCCEEDED;
      case EXECUTION_STATUS_FAILED -> ExecutionStatus.FAILED;
      case EXECUTION_STATUS_TIMEOUT -> ExecutionStatus.TIMEOUT;
      case EXECUTION_STATUS_SKIPPED -> ExecutionStatus.SKIPPED;
      case EXECUTION_STATUS_CANCELLED -> ExecutionStatus.CANCELLED;
      case EXECUTION_STATUS_RETRY_SCHEDULED -> ExecutionStatus.RETRY_SCHEDULED;
      case EXECUTION_STATUS_QUEUED -> ExecutionStatus.QUEUED;
    };
  }

  /** An instant from the wire; unset reads as the epoch. */
  public static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** The wire form of an instant. */
  public static Timestamp toProto(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  /**
   * protobuf's form of a duration: seconds and nanos of the same sign (Java keeps nanos positive,
   * so -1.5 s is -2 s + 0.5 s there and -1 s - 0.5 s here). Values beyond protobuf's range are sent
   * as they are, for the cluster to reject naming the field.
   */
  static com.google.protobuf.Duration toProto(Duration d) {
    long seconds = d.getSeconds();
    int nanos = d.getNano();
    if (seconds < 0 && nanos > 0) {
      seconds += 1;
      nanos -= 1_000_000_000;
    }
    return com.google.protobuf.Duration.newBuilder().setSeconds(seconds).setNanos(nanos).build();
  }

  public static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  /** The wire form of a payload. */
  public static io.taskgrid.proto.v1.Payload toProto(Payload p) {
    return io.taskgrid.proto.v1.Payload.newBuilder().setData(ByteString.copyFrom(p.data())).setContentType(p.contentType()).build();
  }

  /** An empty content type means application/octet-stream, as the contract says. */
  static Payload fromProto(io.taskgrid.proto.v1.Payload p) {
    String type = p.getContentType().isEmpty() ? "application/octet-stream" : p.getContentType();
    return Payload.of(p.getData().toByteArray(), type);
  }

  /** The wire form of a definition; an on-demand trigger is an unset one. */
  public static io.taskgrid.proto.v1.TaskDefinition toProto(TaskDefinition d) {
    var b = io.taskgrid.proto.v1.TaskDefinition.newBuilder()
        .setId(d.id())
        .setHandler(d.handler())
        .setPayload(toProto(d.payload()))
        .setEnabled(d.enabled())
        .addAllTags(d.tags())
        .putAllMetadata(d.metadata())
        .setMisfirePolicy(toProto(d.misfirePolicy()))
        .setPriority(toProto(d.priority()));
    d.name().ifPresent(b::setName);
    d.description().ifPresent(b::setDescription);
    d.timeZone().ifPresent(b::setTimeZone);
    d.category().ifPresent(b::setCategory);
    d.catchUpWindow().ifPresent(w -> b.setCatchUpWindow(toProto(w)));
    d.jitter().ifPresent(j -> b.setJitter(toProto(j)));
    d.timeout().ifPresent(t -> b.setTimeout(toProto(t)));
    if (d.retry().isPresent() || d.concurrency().isPresent() || d.rateLimit().isPresent() || d.circuitBreakerKey().isPresent()) {
      io.taskgrid.proto.v1.ExecutionPolicy.Builder policy = io.taskgrid.proto.v1.ExecutionPolicy.newBuilder();
      d.retry().ifPresent(r -> policy.setRetry(toProto(r)));
      d.concurrency().ifPresent(c -> policy.setConcurrency(toProto(c)));
      d.rateLimit().ifPresent(l -> policy.setRateLimit(toProto(l)));
      d.circuitBreakerKey().ifPresent(policy::setCircuitBreakerKey);
      b.setPolicy(policy);
    }
    d.condition().ifPresent(b::setCondition);
    b.addAllDependsOn(d.dependsOn());
    d.dependencyWindow().ifPresent(w -> b.setDependencyWindow(toProto(w)));
    d.dependencyWait().ifPresent(w -> b.setDependencyWait(toProto(w)));
    switch (d.trigger()) {
      case Trigger.Cron c -> b.setTrigger(io.taskgrid.proto.v1.Trigger.newBuilder().setCron(c.expression()));
      case Trigger.After a -> b.setTrigger(io.taskgrid.proto.v1.Trigger.newBuilder().setAfter(a.delay()));
      case Trigger.At a -> b.setTrigger(io.taskgrid.proto.v1.Trigger.newBuilder().setAt(a.time()));
      case Trigger.OnEvent e -> b.setTrigger(io.taskgrid.proto.v1.Trigger.newBuilder().setEvent(e.pattern()));
      case Trigger.OnSuccess s -> b.setTrigger(io.taskgrid.proto.v1.Trigger.newBuilder().setOnSuccess(s.taskId()));
      case Trigger.OnDemand o -> b.clearTrigger();
    }
    d.side().ifPresent(s -> b.setSide(io.taskgrid.proto.v1.SideTask.newBuilder()
        .setRestartInitialDelay(toProto(s.restartInitialDelay()))
        .setRestartMaxDelay(toProto(s.restartMaxDelay()))
        .setRestartMultiplier(s.restartMultiplier())));
    return b.build();
  }

  /** The SDK's view of a definition; unset values read as the builder's defaults. */
  public static TaskDefinition fromProto(io.taskgrid.proto.v1.TaskDefinition d) {
    TaskDefinition.Builder b = TaskDefinition.builder(d.getId(), d.getHandler())
        .name(d.getName())
        .description(d.getDescription())
        .timeZone(d.getTimeZone())
        .enabled(!d.hasEnabled() || d.getEnabled())
        .tags(d.getTagsList())
        .category(d.getCategory())
        .metadata(d.getMetadataMap())
        .misfirePolicy(fromProto(d.getMisfirePolicy()))
        .catchUpWindow(d.hasCatchUpWindow() ? duration(d.getCatchUpWindow()) : null)
        .jitter(d.hasJitter() ? duration(d.getJitter()) : null)
        .timeout(d.hasTimeout() ? duration(d.getTimeout()) : null)
        .priority(fromProto(d.getPriority()));
    if (d.hasPayload()) b.payload(fromProto(d.getPayload()));
    if (d.hasPolicy()) {
      io.taskgrid.proto.v1.ExecutionPolicy p = d.getPolicy();
      if (p.hasRetry()) b.retry(fromProto(p.getRetry()));
      if (p.hasConcurrency()) b.concurrency(fromProto(p.getConcurrency()));
      if (p.hasRateLimit()) b.rateLimit(fromProto(p.getRateLimit()));
      b.circuitBreakerKey(p.getCircuitBreakerKey());
    }
    b.condition(d.getCondition())
        .dependsOn(d.getDependsOnList())
        .dependencyWindow(d.hasDependencyWindow() ? duration(d.getDependencyWindow()) : null)
        .dependencyWait(d.hasDependencyWait() ? duration(d.getDependencyWait()) : null);
    var t = d.getTrigger();
    b.trigger(switch (t.getKindCase()) {
      case CRON -> new Trigger.Cron(t.getCron());
      case AFTER -> new Trigger.After(t.getAfter());
      case AT -> new Trigger.At(t.getAt());
      case EVENT -> new Trigger.OnEvent(t.getEvent());
      case ON_SUCCESS -> new Trigger.OnSuccess(t.getOnSuccess());
      case KIND_NOT_SET -> new Trigger.OnDemand();
    });
    if (d.hasSide()) {
      io.taskgrid.proto.v1.SideTask s = d.getSide();
      io.taskgrid.client.SideTask defaults = io.taskgrid.client.SideTask.defaults();
      b.side(new io.taskgrid.client.SideTask(
          s.hasRestartInitialDelay() ? duration(s.getRestartInitialDelay()) : defaults.restartInitialDelay(),
          s.hasRestartMaxDelay() ? duration(s.getRestartMaxDelay()) : defaults.restartMaxDelay(),
          s.getRestartMultiplier() == 0 ? defaults.restartMultiplier() : s.getRestartMultiplier()));
    }
    return b.build();
  }

  static io.taskgrid.proto.v1.MisfirePolicy toProto(MisfirePolicy p) {
    return switch (p) {
      case SKIP -> io.taskgrid.proto.v1.MisfirePolicy.MISFIRE_POLICY_SKIP;
      case FIRE_ONCE -> io.taskgrid.proto.v1.MisfirePolicy.MISFIRE_POLICY_FIRE_ONCE;
      case CATCH_UP -> io.taskgrid.proto.v1.MisfirePolicy.MISFIRE_POLICY_CATCH_UP;
    };
  }

  /** UNSPECIFIED means FIRE_ONCE, as the contract says; so does a policy newer than this SDK. */
  static MisfirePolicy fromProto(io.taskgrid.proto.v1.MisfirePolicy p) {
    return switch (p) {
      case MISFIRE_POLICY_SKIP -> MisfirePolicy.SKIP;
      case MISFIRE_POLICY_FIRE_ONCE, MISFIRE_POLICY_UNSPECIFIED, UNRECOGNIZED -> MisfirePolicy.FIRE_ONCE;
      case MISFIRE_POLICY_CATCH_UP -> MisfirePolicy.CATCH_UP;
    };
  }

  static io.taskgrid.proto.v1.TaskState toProto(TaskState s) {
    return switch (s) {
      case ACTIVE -> io.taskgrid.proto.v1.TaskState.TASK_STATE_ACTIVE;
      case PAUSED -> io.taskgrid.proto.v1.TaskState.TASK_STATE_PAUSED;
      case DISABLED -> io.taskgrid.proto.v1.TaskState.TASK_STATE_DISABLED;
      case COMPLETED -> io.taskgrid.proto.v1.TaskState.TASK_STATE_COMPLETED;
    };
  }

  /**
   * UNSPECIFIED is never sent; it and a state newer than this SDK read as ACTIVE, the state of a
   * task that is neither stopped nor finished.
   */
  static TaskState fromProto(io.taskgrid.proto.v1.TaskState s) {
    return switch (s) {
      case TASK_STATE_ACTIVE, TASK_STATE_UNSPECIFIED, UNRECOGNIZED -> TaskState.ACTIVE;
      case TASK_STATE_PAUSED -> TaskState.PAUSED;
      case TASK_STATE_DISABLED -> TaskState.DISABLED;
      case TASK_STATE_COMPLETED -> TaskState.COMPLETED;
    };
  }

  /** The SDK's view of a registered task. */
  public static TaskInfo fromProto(Task t) {
    return new TaskInfo(
        fromProto(t.getDefinition()),
        fromProto(t.getState()),
        instant(t.getCreatedAt()),
        instant(t.getUpdatedAt()),
        t.hasNextFireTime() ? Optional.of(instant(t.getNextFireTime())) : Optional.empty(),
        t.hasLastFireTime() ? Optional.of(instant(t.getLastFireTime())) : Optional.empty(),
        t.getLastExecutionId().isEmpty() ? Optional.empty() : Optional.of(t.getLastExecutionId()),
        t.getRevision(),
        t.hasSideState() ? Optional.of(fromProto(t.getSideState())) : Optional.empty());
  }

  /** The SDK's view of a side task's state. */
  static io.taskgrid.client.SideTaskState fromProto(io.taskgrid.proto.v1.SideTaskState s) {
    return new io.taskgrid.client.SideTaskState(
        s.getRunning(),
        s.getWorker(),
        s.hasSince() ? Optional.of(instant(s.getSince())) : Optional.empty(),
        s.getRestarts(),
        s.getLastError().isEmpty() ? Optional.empty() : Optional.of(s.getLastError()),
        s.hasLastErrorAt() ? Optional.of(instant(s.getLastErrorAt())) : Optional.empty());
  }

  /** The wire form of a query. */
  public static ListTasksRequest toProto(TaskQuery q) {
    ListTasksRequest.Builder b = ListTasksRequest.newBuilder().setPageSize(q.pageSize());
    q.state().ifPresent(s -> b.setState(toProto(s)));
    q.tag().ifPresent(b::setTag);
    q.category().ifPresent(b::setCategory);
    q.pageToken().ifPresent(b::setPageToken);
    return b.build();
  }

  /** The SDK's view of a page; an empty token means the last page. */
  public static TaskPage fromProto(ListTasksResponse r) {
    return new TaskPage(
        r.getTasksList().stream().map(Convert::fromProto).toList(),
        r.getNextPageToken().isEmpty() ? Optional.empty() : Optional.of(r.getNextPageToken()));
  }

  /** The SDK's view of an execution. */
  public static ExecutionInfo fromProto(Execution e) {
    return new ExecutionInfo(
        e.getExecutionId(),
        e.getHandler(),
        fromProto(e.getStatus()),
        e.getAttempt(),
        fromProto(e.getPriority()),
        e.getLabelsMap(),
        duration(e.getTimeout()),
        e.getIdempotencyKey(),
        instant(e.getSubmittedAt()),
        e.hasStartedAt() ? instant(e.getStartedAt()) : null,
        e.hasFinishedAt() ? instant(e.getFinishedAt()) : null,
        e.getWorkerId(),
        e.hasResult() ? new TaskResult(e.getResult().getData().toByteArray(), e.getResult().getContentType()) : null,
        e.hasError() ? new ExecutionError(e.getError().getType(), e.getError().getMessage()) : null,
        e.getTaskId(),
        e.getReason(),
        e.getAttemptsList().stream().map(a -> new ExecutionAttempt(a.getNumber(), fromProto(a.getStatus()), instant(a.getStartedAt()),
            a.hasFinishedAt() ? instant(a.getFinishedAt()) : null, a.getWorkerId(),
            a.hasError() ? new ExecutionError(a.getError().getType(), a.getError().getMessage()) : null)).toList(),
        e.hasNextAttemptAt() ? instant(e.getNextAttemptAt()) : null);
  }

  /** The ListExecutions request of a query. */
  public static io.taskgrid.proto.v1.ListExecutionsRequest toProto(io.taskgrid.client.ExecutionQuery q) {
    var b = io.taskgrid.proto.v1.ListExecutionsRequest.newBuilder().setPageSize(q.pageSize()).putAllLabels(q.labels());
    q.taskId().ifPresent(b::setTaskId);
    q.handler().ifPresent(b::setHandler);
    q.statuses().forEach(s -> b.addStatuses(toProto(s)));
    q.submittedAfter().ifPresent(t -> b.setSubmittedAfter(toProto(t)));
    q.submittedBefore().ifPresent(t -> b.setSubmittedBefore(toProto(t)));
    q.pageToken().ifPresent(b::setPageToken);
    return b.build();
  }

  /** The SDK's view of a page of executions; an empty token means the last page. */
  public static io.taskgrid.client.ExecutionPage fromProto(io.taskgrid.proto.v1.ListExecutionsResponse r) {
    return new io.taskgrid.client.ExecutionPage(
        r.getExecutionsList().stream().map(Convert::fromProto).toList(),
        r.getNextPageToken().isEmpty() ? Optional.empty() : Optional.of(r.getNextPageToken()));
  }

  static io.taskgrid.proto.v1.ExecutionStatus toProto(ExecutionStatus s) {
    return switch (s) {
      case PENDING -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_PENDING;
      case RUNNING -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_RUNNING;
      case SUCCEEDED -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_SUCCEEDED;
      case FAILED -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_FAILED;
      case TIMEOUT -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_TIMEOUT;
      case SKIPPED -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_SKIPPED;
      case CANCELLED -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_CANCELLED;
      case RETRY_SCHEDULED -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_RETRY_SCHEDULED;
      case QUEUED -> io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_QUEUED;
    };
  }
}
