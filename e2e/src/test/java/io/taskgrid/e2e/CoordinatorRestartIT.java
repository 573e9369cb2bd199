package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.TestCluster;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Outcomes reported while coordinators go away are not lost. */
class CoordinatorRestartIT {
  private final TestCluster cluster = new TestCluster();
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void noOutcomeIsLostWhenTheOnlyCoordinatorRestartsWhileWorkersReport() throws Exception {
    int port = freePort();
    Coordinator first = new Coordinator(cluster.coordinatorConfig(port)).start();
    // two at a time, 50 ms each: the 300 tasks take several seconds, so the crash lands mid-way
    cluster.worker(cluster.workerConfig(List.of("127.0.0.1:" + port)).withConcurrency(2), w -> w.handler("slow", ctx -> {
      runs.computeIfAbsent(ctx.executionId(), k -> new AtomicInteger()).incrementAndGet();
      Thread.sleep(50);
      return ctx.payloadText();
    }));
    List<String> ids = new ArrayList<>();
    try (TaskgridClient submitter = TaskgridClient.builder().coordinators("127.0.0.1:" + port).build()) {
      for (int i = 0; i < 300; i++) ids.add(submitter.submit(TaskRequest.builder("slow").payloadText("p" + i).build()).id());
    }
    // crash the coordinator while outcomes are being reported, then bring it back on the same port
    await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= 20);
    first.halt();
    int ranWhileDown = runs.size();
    Coordinator second = cluster.coordinator(port);
    assertThat(second.port()).isEqualTo(port);

    try (TaskgridClient client = TaskgridClient.builder().coordinators("127.0.0.1:" + port).build()) {
      for (String id : ids) {
        await().atMost(Duration.ofSeconds(120)).until(() -> client.get(id).status() == ExecutionStatus.SUCCEEDED);
      }
    }
    assertThat(ranWhileDown).isLessThan(300);
    assertThat(runs).hasSize(300);
    assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
  }

  @Test
  void aWorkerReportsToTheNextCoordinatorWhenItsFirstIsDown() throws Exception {
    Coordinator a = cluster.coordinator();
    Coordinator b = cluster.coordinator();
    cluster.worker(List.of(TestCluster.address(a), TestCluster.address(b)), w -> w.handler("echo", ctx -> ctx.payloadText()));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(b)).build());
    TaskHandle before = client.submit(TaskRequest.builder("echo").payloadText("before").build());
    assertThat(before.result().get(60, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

    a.halt();
    List<TaskHandle> after = new ArrayList<>();
    for (int i = 0; i < 50; i++) after.add(client.submit(TaskRequest.builder("echo").payloadText("after" + i).build()));
    for (int i = 0; i < 50; i++) {
      var info = after.get(i).result().get(60, TimeUnit.SECONDS);
      assertThat(info.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(info.result().asText()).isEqualTo("after" + i);
    }
  }
}
