package io.taskgrid.client.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.taskgrid.client.ExecutionError;
import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.Priority;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskResult;
import io.taskgrid.proto.v1.Execution;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import java.time.Duration;
import java.time.Instant;

/** Between the SDK's types and the wire types of taskgrid.v1; protobuf stops here. */
public final class Convert {
  private Convert() {}

  /** The wire form of a request. */
  public static SubmitTaskRequest toProto(TaskRequest r) {
    SubmitTaskRequest.Builder b = SubmitTaskRequest.newBuilder()
        .setHandler(r.handler())
        .setPayload(Payload.newBuilder().setData(ByteString.copyFrom(r.payload())).setContentType(r.contentType()))
        .setPriority(toProto(r.priority()))
        .putAllLabels(r.labels());
    r.timeout().ifPresent(t -> b.setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(t.getSeconds()).setNanos(t.getNano())));
    r.idempotencyKey().ifPresent(b::setIdempotencyKey);
    return b.build();
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
    };
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
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
        Duration.ofSeconds(e.getTimeout().getSeconds(), e.getTimeout().getNanos()),
        e.getIdempotencyKey(),
        instant(e.getSubmittedAt()),
        e.hasStartedAt() ? instant(e.getStartedAt()) : null,
        e.hasFinishedAt() ? instant(e.getFinishedAt()) : null,
        e.getWorkerId(),
        e.hasResult() ? new TaskResult(e.getResult().getData().toByteArray(), e.getResult().getContentType()) : null,
        e.hasError() ? new ExecutionError(e.getError().getType(), e.getError().getMessage()) : null);
  }
}
