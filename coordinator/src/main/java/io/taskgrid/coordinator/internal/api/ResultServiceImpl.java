package io.taskgrid.coordinator.internal.api;

import io.grpc.stub.StreamObserver;
import io.taskgrid.coordinator.internal.store.ExecutionStore;
import io.taskgrid.coordinator.internal.store.ExecutionStore.ReportedOutcome;
import io.taskgrid.core.ExecutionId;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.ReportOutcomesRequest;
import io.taskgrid.proto.v1.ReportOutcomesResponse;
import io.taskgrid.proto.v1.ResultServiceGrpc;
import java.util.ArrayList;
import java.util.List;

/** Receives outcomes from workers and records them; answers once they are durable. */
public final class ResultServiceImpl extends ResultServiceGrpc.ResultServiceImplBase {
  private static final int MAX_BATCH = 10_000;
  private final ExecutionStore store;

  public ResultServiceImpl(ExecutionStore store) {
    this.store = store;
  }

  @Override
  public void reportOutcomes(ReportOutcomesRequest request, StreamObserver<ReportOutcomesResponse> out) {
    if (request.getWorkerId().isEmpty()) {
      throw new InvalidArgumentException("worker_id", "must not be empty");
    }
    if (request.getOutcomesCount() > MAX_BATCH) {
      throw new InvalidArgumentException("outcomes", "at most " + MAX_BATCH + " per batch, got " + request.getOutcomesCount());
    }
    List<ReportedOutcome> outcomes = new ArrayList<>(request.getOutcomesCount());
    for (int i = 0; i < request.getOutcomesCount(); i++) {
      Outcome o = request.getOutcomes(i);
      String field = "outcomes[" + i + "]";
      String id = ExecutionId.parse(field + ".execution_id", o.getExecutionId()).value();
      outcomes.add(new ReportedOutcome(id, Math.max(1, o.getAttempt()), o.getHandler(), request.getWorkerId(), ProtoMapping.toOutcome(o, field)));
    }
    TaskServiceImpl.respond(store.recordOutcomes(outcomes).thenApply(n -> ReportOutcomesResponse.newBuilder().setRecorded(n).build()), out);
  }
}
