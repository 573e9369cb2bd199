package io.taskgrid.coordinator.internal.api;

import io.taskgrid.coordinator.internal.store.ExecutionQuery;
import io.taskgrid.coordinator.internal.store.PageToken;
import io.taskgrid.core.ExecutionStatus;
import io.taskgrid.core.HandlerName;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.proto.v1.ListExecutionsRequest;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Checks a ListExecutions request and turns it into an {@link ExecutionQuery}; every problem names its field. */
final class ExecutionQueries {
  private ExecutionQueries() {}

  static ExecutionQuery fromProto(ListExecutionsRequest r) {
    Optional<String> taskId = r.getTaskId().isEmpty() ? Optional.empty() : Optional.of(TaskId.parse("task_id", r.getTaskId()).value());
    Optional<String> handler = r.getHandler().isEmpty() ? Optional.empty() : Optional.of(new HandlerName(r.getHandler()).value());
    Set<ExecutionStatus> statuses = EnumSet.noneOf(ExecutionStatus.class);
    for (int i = 0; i < r.getStatusesCount(); i++) {
      statuses.add(status("statuses[" + i + "]", r.getStatuses(i)));
    }
    Optional<Instant> after = r.hasSubmittedAfter() ? Optional.of(ProtoMapping.toInstant("submitted_after", r.getSubmittedAfter()))
        : Optional.empty();
    Optional<Instant> before = r.hasSubmittedBefore() ? Optional.of(ProtoMapping.toInstant("submitted_before", r.getSubmittedBefore()))
        : Optional.empty();
    r.getLabelsMap().keySet().forEach(k -> {
      if (k.isEmpty()) throw new InvalidArgumentException("labels", "a label key must not be empty");
    });
    int pageSize = r.getPageSize() == 0 ? ExecutionQuery.DEFAULT_PAGE_SIZE : r.getPageSize();
    Optional<PageToken> from = r.getPageToken().isEmpty() ? Optional.empty() : Optional.of(PageToken.decode(r.getPageToken()));
    return new ExecutionQuery(taskId, handler, statuses, after, before, r.getLabelsMap(), pageSize, from);
  }

  private static ExecutionStatus status(String field, io.taskgrid.proto.v1.ExecutionStatus s) {
    return switch (s) {
      case EXECUTION_STATUS_PENDING -> ExecutionStatus.PENDING;
      case EXECUTION_STATUS_RUNNING -> ExecutionStatus.RUNNING;
      case EXECUTION_STATUS_SUCCEEDED -> ExecutionStatus.SUCCEEDED;
      case EXECUTION_STATUS_FAILED -> ExecutionStatus.FAILED;
      case EXECUTION_STATUS_TIMEOUT -> ExecutionStatus.TIMEOUT;
      case EXECUTION_STATUS_SKIPPED -> ExecutionStatus.SKIPPED;
      case EXECUTION_STATUS_CANCELLED -> ExecutionStatus.CANCELLED;
      case EXECUTION_STATUS_RETRY_SCHEDULED -> ExecutionStatus.RETRY_SCHEDULED;
      case EXECUTION_STATUS_QUEUED -> ExecutionStatus.QUEUED;
      case EXECUTION_STATUS_UNSPECIFIED, UNRECOGNIZED -> throw new InvalidArgumentException(field, "must be a status, got " + s);
    };
  }
}
