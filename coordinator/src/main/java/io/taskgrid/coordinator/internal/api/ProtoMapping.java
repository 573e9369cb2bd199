package io.taskgrid.coordinator.internal.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.taskgrid.wire.PolicyMapping;
import io.taskgrid.coordinator.internal.store.ExecutionRecord;
import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.Payload;
import io.taskgrid.core.Priority;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.TaskSpec;
import io.taskgrid.core.TimeBounds;
import io.taskgrid.proto.v1.ErrorInfo;
import io.taskgrid.proto.v1.Execution;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import java.time.Instant;

/** Converts between the wire types of taskgrid.v1 and the domain. Protobuf stops here. */
public final class ProtoMapping {
  private ProtoMapping() {}

  public static TaskSpec toSpec(SubmitTaskRequest r, SubmissionLimits limits) {
    Payload payload = r.hasPayload() ? toPayload(r.getPayload()) : Payload.EMPTY;
    java.time.Duration timeout = r.hasTimeout() ? toDuration("timeout", r.getTimeout()) : null;
    TaskSpec spec = TaskSpec.validate(r.getHandler(), payload, timeout, toPriority(r.getPriorityValue()), r.getLabelsMap(),
        r.getIdempotencyKey(), limits);
    return r.hasPolicy() ? spec.withPolicy(PolicyMapping.fromProto(r.getPolicy(), spec.handler().value(), null)) : spec;
  }

  public static Priority toPriority(int value) {
    return switch (value) {
      case 0, 3 -> Priority.MEDIUM;
      case 1 -> Priority.CRITICAL;
      case 2 -> Priority.HIGH;
      case 4 -> Priority.LOW;
      case 5 -> Priority.BACKGROUND;
      default -> throw new InvalidArgumentException("priority", "unknown priority " + value);
    };
  }

  public static io.taskgrid.proto.v1.Priority toProto(Priority p) {
    return switch (p) {
      case CRITICAL -> io.taskgrid.proto.v1.Priority.PRIORITY_CRITICAL;
      case HIGH -> io.taskgrid.proto.v1.Priority.PRIORITY_HIGH;
      case MEDIUM -> io.taskgrid.proto.v1.Priority.PRIORITY_MEDIUM;
      case LOW -> io.taskgrid.proto.v1.Priority.PRIORITY_LOW;
      case BACKGROUND -> io.taskgrid.proto.v1.Priority.PRIORITY_BACKGROUND;
    };
  }

  public static io.taskgrid.proto.v1.ExecutionStatus toProto(ExecutionStatus s) {
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

  public static Timestamp toProto(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  /**
   * A protobuf timestamp as an instant; one outside protobuf's range (years 1 to 9999) is
   * INVALID_ARGUMENT naming {@code field} and the value. Every timestamp read from a request goes
   * through here, before any arithmetic.
   */
  public static Instant toInstant(String field, Timestamp t) {
    return TimeBounds.instant(field, t.getSeconds(), t.getNanos());
  }

  /**
   * A protobuf duration as a Java one; one outside protobuf's range (±10,000 years, nanos of the
   * seconds' sign) is INVALID_ARGUMENT naming {@code field} and the value. Every duration read from
   * a request goes through here, before any arithmetic.
   */
  public static java.time.Duration toDuration(String field, Duration d) {
    return TimeBounds.duration(field, d.getSeconds(), d.getNanos());
  }

  /** A protobuf payload as the domain's (which checks the content type). */
  public static Payload toPayload(io.taskgrid.proto.v1.Payload p) {
    return new Payload(p.getData().toByteArray(), p.getContentType());
  }

  /** protobuf's form: seconds and nanos of the same sign (Java keeps nanos positive). */
  public static Duration toProto(java.time.Duration d) {
    long seconds = d.getSeconds();
    int nanos = d.getNano();
    if (seconds < 0 && nanos > 0) {
      seconds += 1;
      nanos -= 1_000_000_000;
    }
    return Duration.newBuilder().setSeconds(seconds).setNanos(nanos).build();
  }

  public static io.taskgrid.proto.v1.Payload toProto(Payload p) {
    return io.taskgrid.proto.v1.Payload.newBuilder()
        .setData(ByteString.copyFrom(p.unsafeData()))
        .setContentType(p.contentType())
        .build();
  }

  public static Execution toProto(ExecutionRecord r) {
    Execution.Builder b = Execution.newBuilder()
        .setExecutionId(r.executionId())
        .setHandler(r.handler())
        .setStatus(toProto(r.status()))
        .setAttempt(r.attempt())
        .setPriority(toProto(r.priority()))
        .putAllLabels(r.labels())
        .setTimeout(toProto(r.timeout()))
        .setIdempotencyKey(r.idempotencyKey())
        .setSubmittedAt(toProto(r.submittedAt()))
        .setWorkerId(r.workerId());
    r.startedAt().ifPresent(t -> b.setStartedAt(toProto(t)));
    r.finishedAt().ifPresent(t -> b.setFinishedAt(toProto(t)));
    r.result().ifPresent(p -> b.setResult(toProto(p)));
    b.setTaskId(r.taskId()).setReason(r.reason());
    if (r.errorType().isPresent() || r.errorMessage().isPresent()) {
      b.setError(ErrorInfo.newBuilder().setType(r.errorType().orElse("")).setMessage(r.errorMessage().orElse("")));
    }
    for (ExecutionRecord.AttemptRecord a : r.attempts()) {
      io.taskgrid.proto.v1.Attempt.Builder ab = io.taskgrid.proto.v1.Attempt.newBuilder()
          .setNumber(a.number())
          .setStatus(toProto(a.status()))
          .setStartedAt(toProto(a.startedAt()))
          .setWorkerId(a.workerId());
      a.finishedAt().ifPresent(t -> ab.setFinishedAt(toProto(t)));
      if (a.errorType().isPresent() || a.errorMessage().isPresent()) {
        ab.setError(ErrorInfo.newBuilder().setType(a.errorType().orElse("")).setMessage(a.errorMessage().orElse("")));
      }
      b.addAttempts(ab);
    }
    r.nextAttemptAt().ifPresent(t -> b.setNextAttemptAt(toProto(t)));
    return b.build();
  }

  /** The domain outcome of a reported one; {@code field} prefixes messages about bad values. */
  public static Outcome toOutcome(io.taskgrid.proto.v1.Outcome o, String field) {
    Instant started = toInstant(field + ".started_at", o.getStartedAt());
    Instant finished = toInstant(field + ".finished_at", o.getFinishedAt());
    return switch (o.getStatus()) {
      case EXECUTION_STATUS_SUCCEEDED -> new Outcome.Succeeded(started, finished,
          toPayload(o.getResult()));
      case EXECUTION_STATUS_FAILED -> new Outcome.Failed(started, finished, o.getError().getType(), o.getError().getMessage());
      case EXECUTION_STATUS_TIMEOUT -> new Outcome.TimedOut(started, finished, o.getError().getMessage());
      case EXECUTION_STATUS_SKIPPED -> new Outcome.Skipped(started, finished, o.getReason());
      case EXECUTION_STATUS_CANCELLED -> new Outcome.Cancelled(started, finished, o.getReason().isEmpty() ? Outcome.Cancelled.CANCELLED : o.getReason());
      default -> throw new InvalidArgumentException(field + ".status", "must be SUCCEEDED, FAILED, TIMEOUT, SKIPPED or CANCELLED, got "
          + o.getStatus());
    };
  }
}
