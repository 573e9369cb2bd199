package io.taskgrid.coordinator.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.taskgrid.core.worker.WorkerPresence;
import io.taskgrid.proto.v1.ListWorkersRequest;
import io.taskgrid.proto.v1.WorkerInfo;
import io.taskgrid.proto.v1.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ListWorkersTest {
  private static final Instant NOW = InProcessTaskService.NOW;
  private final InProcessTaskService service = new InProcessTaskService();

  @AfterEach
  void close() {
    service.close();
  }

  private void worker(String id, Duration ago, WorkerPresence.State state, String... handlers) {
    service.workers.report(new WorkerPresence(id, "host-" + id, 100, List.of(handlers), 8, 2, NOW.minusSeconds(3600),
        NOW.minus(ago), state, "0.1.0"));
  }

  @Test
  void listsEveryWorkerThatReportedRecentlyWithItsReport() {
    worker("w-b", Duration.ofSeconds(2), WorkerPresence.State.DRAINING, "mail.send");
    worker("w-a", Duration.ofSeconds(1), WorkerPresence.State.RUNNING, "report.build", "mail.send");

    List<WorkerInfo> listed = service.tasks().listWorkers(ListWorkersRequest.getDefaultInstance()).getWorkersList();

    assertThat(listed).extracting(WorkerInfo::getWorkerId, WorkerInfo::getState).containsExactly(
        org.assertj.core.groups.Tuple.tuple("w-a", WorkerState.WORKER_STATE_RUNNING),
        org.assertj.core.groups.Tuple.tuple("w-b", WorkerState.WORKER_STATE_DRAINING));
    WorkerInfo a = listed.get(0);
    assertThat(a.getHandlersList()).containsExactly("mail.send", "report.build");
    assertThat(a.getHost()).isEqualTo("host-w-a");
    assertThat(a.getPid()).isEqualTo(100);
    assertThat(a.getConcurrency()).isEqualTo(8);
    assertThat(a.getRunning()).isEqualTo(2);
    assertThat(a.getStarted().getSeconds()).isEqualTo(NOW.minusSeconds(3600).getEpochSecond());
    assertThat(a.getLastSeen().getSeconds()).isEqualTo(NOW.minusSeconds(1).getEpochSecond());
    assertThat(a.getVersion()).isEqualTo("0.1.0");
  }

  @Test
  void leavesOutAWorkerWhoseLastReportIsOlderThanThirtySeconds() {
    worker("w-old", Duration.ofSeconds(31), WorkerPresence.State.RUNNING, "mail.send");
    worker("w-new", Duration.ofSeconds(29), WorkerPresence.State.RUNNING, "mail.send");

    assertThat(service.tasks().listWorkers(ListWorkersRequest.getDefaultInstance()).getWorkersList())
        .extracting(WorkerInfo::getWorkerId).containsExactly("w-new");
  }

  @Test
  void filtersByHandler() {
    worker("w-a", Duration.ZERO, WorkerPresence.State.RUNNING, "mail.send");
    worker("w-b", Duration.ZERO, WorkerPresence.State.RUNNING, "report.build");

    assertThat(service.tasks().listWorkers(ListWorkersRequest.newBuilder().setHandler("report.build").build()).getWorkersList())
        .extracting(WorkerInfo::getWorkerId).containsExactly("w-b");
  }

  @Test
  void rejectsAHandlerFilterThatIsNoHandlerNameNamingTheField() {
    assertThatThrownBy(() -> service.tasks().listWorkers(ListWorkersRequest.newBuilder().setHandler("bad name!").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).startsWith("handler");
        });
  }

  @Test
  void answersUnavailableWhenTheWorkersCannotBeRead() {
    service.workers.failure = new IllegalStateException("Redis: connection refused");

    assertThatThrownBy(() -> service.tasks().listWorkers(ListWorkersRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }
}
