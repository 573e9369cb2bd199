package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.GetStatsRequest;
import io.taskgrid.proto.v1.GetStatsResponse;
import io.taskgrid.proto.v1.StatsGroup;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WindowStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatsTest {
  private final List<GetStatsRequest> requests = new CopyOnWriteArrayList<>();
  private Server server;
  private TaskgridClient client;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(new TaskServiceGrpc.TaskServiceImplBase() {
      @Override
      public void getStats(GetStatsRequest request, StreamObserver<GetStatsResponse> out) {
        requests.add(request);
        if (request.getTaskId().contains(" ")) {
          out.onError(Status.INVALID_ARGUMENT.withDescription("task_id: must start with a letter or digit").asRuntimeException());
          return;
        }
        WindowStats hour = WindowStats.newBuilder().setSucceeded(8).setFailed(2).setSkipped(1).setSuccessRate(0.8)
            .setDurationP50(com.google.protobuf.Duration.newBuilder().setNanos(120_000_000))
            .setDurationP95(com.google.protobuf.Duration.newBuilder().setSeconds(2))
            .setDurationP99(com.google.protobuf.Duration.newBuilder().setSeconds(3)).build();
        StatsGroup email = StatsGroup.newBuilder().setHandler("email").setLastHour(hour).setLastDay(hour).setRunning(2).setPending(5)
            .setWaitingRetry(1).setWaitingQueue(3).setWaitingRateLimit(4).setScheduledNextHour(6).build();
        out.onNext(GetStatsResponse.newBuilder().setAsOf(Timestamp.newBuilder().setSeconds(1_800_000_000))
            .setTotal(email.toBuilder().setHandler("")).addHandlers(email)
            .addTasks(StatsGroup.newBuilder().setTaskId("nightly").setLastHour(WindowStats.newBuilder().setSuccessRate(1))).build());
        out.onCompleted();
      }
    }).build().start();
    client = TaskgridClient.builder().channel(InProcessChannelBuilder.forName(name).build()).defaultDeadline(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.shutdownNow();
  }

  @Test
  void readsTheStatisticsWithoutProtoTypes() {
    Stats stats = client.stats();
    assertThat(requests.getLast().getTaskId()).isEmpty();
    assertThat(requests.getLast().getHandler()).isEmpty();
    assertThat(stats.asOf()).isEqualTo(Instant.ofEpochSecond(1_800_000_000));
    Stats.Group email = stats.handlers().getFirst();
    assertThat(email.handler()).isEqualTo("email");
    assertThat(email.running()).isEqualTo(2);
    assertThat(email.pending()).isEqualTo(5);
    assertThat(email.waitingRetry()).isEqualTo(1);
    assertThat(email.waitingQueue()).isEqualTo(3);
    assertThat(email.waitingRateLimit()).isEqualTo(4);
    assertThat(email.scheduledNextHour()).isEqualTo(6);
    assertThat(email.lastHour().ended()).isEqualTo(11);
    assertThat(email.lastHour().successRate()).isEqualTo(0.8);
    assertThat(email.lastHour().p50()).contains(Duration.ofMillis(120));
    assertThat(email.lastHour().p99()).contains(Duration.ofSeconds(3));
    assertThat(stats.total().handler()).isEmpty();
    Stats.Group nightly = stats.tasks().getFirst();
    assertThat(nightly.taskId()).isEqualTo("nightly");
    assertThat(nightly.lastHour().p50()).isEmpty();
    assertThat(nightly.lastDay().successRate()).isZero();
  }

  @Test
  void sendsTheFilterAndMapsARejectedOneToATypedException() {
    client.stats(StatsFilter.task("nightly"));
    assertThat(requests.getLast().getTaskId()).isEqualTo("nightly");
    client.stats(StatsFilter.handler("email"));
    assertThat(requests.getLast().getHandler()).isEqualTo("email");

    assertThatThrownBy(() -> client.stats(StatsFilter.task("bad id"))).isInstanceOf(TaskgridInvalidArgumentException.class)
        .hasMessageStartingWith("task_id");
  }
}
