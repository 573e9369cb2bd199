package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TwoCoordinatorsIT {
  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aClientWatchingThroughOneCoordinatorGetsResultsAWorkerReportedToAnother() throws Exception {
    Coordinator a = cluster.coordinator();
    Coordinator b = cluster.coordinator();
    // the worker knows only B; the client knows only A
    cluster.worker(List.of(TestCluster.address(b)), w -> w.handler("echo", ctx -> ctx.payloadText() + " via " + ctx.executionId()));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(a)).build());

    List<TaskHandle> handles = new ArrayList<>();
    for (int i = 0; i < 20; i++) handles.add(client.submit(TaskRequest.builder("echo").payloadText("n" + i).build()));
    for (int i = 0; i < 20; i++) {
      ExecutionInfo info = handles.get(i).result().get(60, TimeUnit.SECONDS);
      assertThat(info.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(info.result().asText()).isEqualTo("n" + i + " via " + handles.get(i).id());
    }
  }
}
