package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client built from several addresses, against two fake coordinators on loopback that share
 * one execution store (as real coordinators share Redis).
 */
class CoordinatorFailoverTest {
  private final FakeTaskService a = new FakeTaskService();
  private final FakeTaskService b = new FakeTaskService();
  private Server serverA;
  private Server serverB;
  private TaskgridClient client;

  @BeforeEach
  void start() throws Exception {
    b.executions.putAll(a.executions);
    serverA = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(a).build().start();
    serverB = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(b).build().start();
    client = TaskgridClient.builder()
        .coordinators("127.0.0.1:" + serverA.getPort(), "localhost:" + serverB.getPort())
        .defaultDeadline(Duration.ofSeconds(5))
        .submitDeadline(Duration.ofSeconds(5))
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
    serverA.shutdownNow();
    serverB.shutdownNow();
  }

  @Test
  void spreadsCallsOverTheCoordinatorsThatAreUp() {
    for (int i = 0; i < 20; i++) client.submit(TaskRequest.builder("echo").idempotencyKey("k" + i).build());

    assertThat(a.submitCalls.get()).isPositive();
    assertThat(b.submitCalls.get()).isPositive();
  }

  @Test
  void keepsWorkingWhenOneCoordinatorGoesDown() throws Exception {
    for (int i = 0; i < 4; i++) client.submit(TaskRequest.builder("echo").idempotencyKey("warm" + i).build());
    serverA.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    int before = b.submitCalls.get();

    for (int i = 0; i < 20; i++) {
      TaskHandle handle = client.submit(TaskRequest.builder("echo").idempotencyKey("k" + i).build());
      assertThat(client.get(handle.id()).status()).isEqualTo(ExecutionStatus.PENDING);
    }
    assertThat(b.submitCalls.get() - before).isGreaterThanOrEqualTo(20);
  }

  @Test
  void retriesAKeyedSubmissionOnAnotherCoordinatorWhenOneCannotReachKafka() {
    a.failSubmitsWith = Status.UNAVAILABLE.withDescription("Kafka is unreachable");

    for (int i = 0; i < 10; i++) client.submit(TaskRequest.builder("echo").idempotencyKey("k" + i).build());

    assertThat(b.submitted).hasSize(10);
  }

  @Test
  void reportsUnavailableWhenNoCoordinatorIsUp() throws Exception {
    String[] addresses = {"127.0.0.1:" + serverA.getPort(), "127.0.0.1:" + serverB.getPort()};
    serverA.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    serverB.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

    try (TaskgridClient impatient = TaskgridClient.builder()
        .coordinators(addresses)
        .defaultDeadline(Duration.ofMillis(500))
        .build()) {
      assertThatThrownBy(() -> impatient.submit(TaskRequest.builder("echo").build())).isInstanceOf(TaskgridUnavailableException.class);
      assertThatThrownBy(() -> impatient.get("00000000-0000-7000-8000-000000000001"))
          .isInstanceOf(TaskgridUnavailableException.class)
          .satisfies(e -> assertThat(((TaskgridException) e).isRetryable()).isTrue());
    }
  }

  @Test
  void leavesNoThreadRunningAfterClose() throws Exception {
    TaskHandle handle = client.submit(TaskRequest.builder("echo").build());
    CompletableFuture<ExecutionInfo> result = handle.result();
    await().atMost(Duration.ofSeconds(5)).until(() -> a.watchStreamsOpened.get() + b.watchStreamsOpened.get() == 1);

    client.close();

    assertThat(result).isCompletedExceptionally();
    await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.isAlive() && t.getName().startsWith("taskgrid-client")));
  }
}
