package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.CircuitBreaker;
import io.taskgrid.proto.v1.CircuitBreakerState;
import io.taskgrid.proto.v1.ListCircuitBreakersRequest;
import io.taskgrid.proto.v1.ListCircuitBreakersResponse;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {
  private final List<ListCircuitBreakersRequest> requests = new CopyOnWriteArrayList<>();
  private Server server;
  private TaskgridClient client;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(new TaskServiceGrpc.TaskServiceImplBase() {
      @Override
      public void listCircuitBreakers(ListCircuitBreakersRequest request, StreamObserver<ListCircuitBreakersResponse> out) {
        requests.add(request);
        if (request.getHandler().contains(" ")) {
          out.onError(Status.INVALID_ARGUMENT.withDescription("handler: must be a letter or digit first").asRuntimeException());
          return;
        }
        out.onNext(ListCircuitBreakersResponse.newBuilder()
            .addCircuitBreakers(CircuitBreaker.newBuilder().setHandler("mail.send").setKey("tenant-a")
                .setState(CircuitBreakerState.CIRCUIT_BREAKER_STATE_OPEN).setSince(Timestamp.newBuilder().setSeconds(1_800_000_000))
                .setWorkerId("w-1").setFailureRate(75f).setSlowCallRate(-1f).setTimesOpened(2).setNotPermittedCalls(40))
            .build());
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
  void listsTheClusterBreakersWithoutProtoTypes() {
    assertThat(client.listCircuitBreakers()).containsExactly(new CircuitBreakerInfo("mail.send", "tenant-a", CircuitBreakerInfo.State.OPEN,
        Instant.ofEpochSecond(1_800_000_000), "w-1", OptionalDouble.of(75), OptionalDouble.empty(), 2, 40));
    assertThat(requests.getLast().getHandler()).isEmpty();
  }

  @Test
  void filtersByHandlerAndMapsARejectedFilterToATypedException() {
    client.listCircuitBreakers("mail.send");
    assertThat(requests.getLast().getHandler()).isEqualTo("mail.send");

    assertThatThrownBy(() -> client.listCircuitBreakers("bad name")).isInstanceOf(TaskgridInvalidArgumentException.class)
        .hasMessageStartingWith("handler");
    assertThatThrownBy(() -> client.listCircuitBreakers("")).isInstanceOf(TaskgridInvalidArgumentException.class);
  }
}
