package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.WorkerInfo;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ListWorkers over real workers: what they report, and how they leave the list. */
class WorkersIT {
  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void listsRunningWorkersWithTheirHandlersAndDropsAClosedOneAtOnceAndAHaltedOneWithinTheTtl() {
    Coordinator coordinator = cluster.coordinator();
    List<String> addresses = List.of(TestCluster.address(coordinator));
    Instant before = Instant.now();
    Worker a = cluster.worker(cluster.workerConfig(addresses).withWorkerId("wa-" + cluster.namespace()).withConcurrency(3),
        b -> b.handler("mail.send", ctx -> "ok").handler("report.build", ctx -> "ok"));
    Worker b = cluster.worker(cluster.workerConfig(addresses).withWorkerId("wb-" + cluster.namespace()),
        w -> w.handler("report.build", ctx -> "ok"));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(addresses.get(0)).build());

    await().atMost(Duration.ofSeconds(30)).until(() -> client.workers().size() == 2);
    List<WorkerInfo> workers = client.workers();
    assertThat(workers).extracting(WorkerInfo::workerId).containsExactly(a.id(), b.id());
    WorkerInfo infoA = workers.get(0);
    assertThat(infoA.handlers()).containsExactly("mail.send", "report.build");
    assertThat(infoA.concurrency()).isEqualTo(3);
    assertThat(infoA.state()).isEqualTo(WorkerInfo.State.RUNNING);
    assertThat(infoA.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(infoA.host()).isNotBlank();
    assertThat(infoA.version()).isNotBlank();
    assertThat(infoA.started()).isAfterOrEqualTo(before.minusSeconds(1));
    assertThat(workers.get(1).handlers()).containsExactly("report.build");
    assertThat(client.workers("mail.send")).extracting(WorkerInfo::workerId).containsExactly(a.id());

    a.close();
    assertThat(client.workers()).extracting(WorkerInfo::workerId).containsExactly(b.id());

    b.halt(); // as if killed: nothing removes its report, which expires
    await().atMost(Duration.ofSeconds(45)).until(() -> client.workers().isEmpty());
  }
}
