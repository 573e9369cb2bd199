package io.taskgrid.coordinator.internal.api;

import io.taskgrid.core.HandlerName;
import io.taskgrid.core.UnavailableException;
import io.taskgrid.core.worker.WorkerDirectory;
import io.taskgrid.core.worker.WorkerPresence;
import io.taskgrid.proto.v1.ListWorkersRequest;
import io.taskgrid.proto.v1.ListWorkersResponse;
import io.taskgrid.proto.v1.WorkerInfo;
import io.taskgrid.proto.v1.WorkerState;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * ListWorkers: the workers as they last reported themselves. A report expires in the store after
 * {@link WorkerDirectory#TTL}; one whose last report is older than that by this coordinator's
 * clock is left out too (a store that kept it, a worker whose clock runs far behind).
 */
final class WorkersApi {
  private final WorkerDirectory directory;
  private final Clock clock;

  WorkersApi(WorkerDirectory directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
  }

  ListWorkersResponse list(ListWorkersRequest request) {
    String handler = request.getHandler().isEmpty() ? "" : new HandlerName(request.getHandler()).value();
    List<WorkerPresence> all;
    try {
      all = directory.list();
    } catch (RuntimeException e) { // Redis down or failing over: the client may retry
      throw new UnavailableException("cannot read the workers from Redis: " + e.getMessage(), e);
    }
    Instant oldest = clock.instant().minus(WorkerDirectory.TTL);
    ListWorkersResponse.Builder response = ListWorkersResponse.newBuilder();
    for (WorkerPresence w : all) {
      if (w.lastSeen().isBefore(oldest)) continue;
      if (!handler.isEmpty() && !w.handlers().contains(handler)) continue;
      response.addWorkers(toProto(w));
    }
    return response.build();
  }

  static WorkerInfo toProto(WorkerPresence w) {
    return WorkerInfo.newBuilder()
        .setWorkerId(w.workerId())
        .setHost(w.host())
        .setPid(w.pid())
        .addAllHandlers(w.handlers())
        .setConcurrency(w.concurrency())
        .setRunning(w.running())
        .setStarted(ProtoMapping.toProto(w.started()))
        .setLastSeen(ProtoMapping.toProto(w.lastSeen()))
        .setState(switch (w.state()) {
          case RUNNING -> WorkerState.WORKER_STATE_RUNNING;
          case DRAINING -> WorkerState.WORKER_STATE_DRAINING;
        })
        .setVersion(w.version())
        .build();
  }
}
