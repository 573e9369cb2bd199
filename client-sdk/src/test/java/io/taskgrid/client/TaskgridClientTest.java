package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.Execution;
import io.taskgrid.proto.v1.ExecutionUpdate;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.SubmitTaskResponse;
import io.taskgrid.proto.v1.SubmitTasksRequest;
import io.taskgrid.proto.v1.SubmitTasksResponse;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WatchExecutionsRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's own behaviour against an in-memory server: mapping, batching, reconnecting. */
class TaskgridClientTest {
  /** Accepts everything; results are pushed by the test. */
  static final class FakeServer extends TaskServiceGrpc.TaskServiceImplBase {
    final AtomicInteger ids = new AtomicInteger();
    final AtomicInteger batchCalls = new AtomicInteger();
    final Map<String, Execution> executions = new ConcurrentHashMap<>();
    final List<StreamObserver<ExecutionUpdate>> watchers = new CopyOnWriteArrayList<>();
    volatile Status failSubmitWith;

    String newId() {
      String id = String.format("00000000-0000-7000-8000-%012d", ids.incrementAndGet());
      executions.put(id, Execution.newBuilder().setExecutionId(id).setStatus(io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_PENDING).build());
      return id;
    }

    @Override
    public void submitTask(SubmitTaskRequest request, StreamObserver<SubmitTaskResponse> out) {
      if (failSubmitWith != null) {
        out.onError(failSubmitWith.asRuntimeException());
        return;
      }
      out.onNext(SubmitTaskResponse.newBuilder().setExecutionId(newId()).build());
      out.onCompleted();
    }

    @Override
    public void submitTasks(SubmitTasksRequest request, StreamObserver<SubmitTasksResponse> out) {
      batchCalls.incrementAndGet();
      SubmitTasksResponse.Builder b = SubmitTasksResponse.newBuilder();
      request.getTasksList().forEach(t -> b.addResults(SubmitTaskResponse.newBuilder().setExecutionId(newId())));
      out.onNext(b.build());
      out.onCompleted();
    }

    @Override
    public void getExecution(GetExecutionRequest request, StreamObserver<Execution> out) {
      Execution e = executions.get(request.getExecutionId());
      if (e == null) {
        out.onError(Status.NOT_FOUND.withDescription("execution_id: no execution").asRuntimeException());
      } else {
        out.onNext(e);
        out.onCompleted();
      }
    }

    @Override
    public StreamObserver<WatchExecutionsRequest> watchExecutions(StreamObserver<ExecutionUpdate> out) {
      watchers.add(out);
      return new StreamObserver<>() {
        @Override
        public void onNext(WatchExecutionsRequest r) {
          for (String id : r.getExecutionIdsList()) {
            Execution e = executions.get(id);
            if (e == null) {
              send(out, ExecutionUpdate.newBuilder().setNotFound(true).setExecution(Execution.newBuilder().setExecutionId(id)).build());
            } else if (isTerminal(e)) {
              send(out, ExecutionUpdate.newBuilder().setExecution(e).build());
            }
          }
        }

        @Override
        public void onError(Throwable t) {
          watchers.remove(out);
        }

        @Override
        public void onCompleted() {
          watchers.remove(out);
        }
      };
    }

    static boolean isTerminal(Execution e) {
      return e.getStatusValue() >= io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_SUCCEEDED_VALUE;
    }

    static synchronized void send(StreamObserver<ExecutionUpdate> out, ExecutionUpdate u) {
      out.onNext(u);
    }

    void finish(String id, String result) {
      Execution done = executions.get(id).toBuilder().setStatus(io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_SUCCEEDED)
          .setResult(io.taskgrid.proto.v1.Payload.newBuilder().setData(com.google.protobuf.ByteString.copyFromUtf8(result))).build();
      executions.put(id, done);
      watchers.forEach(w -> send(w, ExecutionUpdate.newBuilder().setExecution(done).build()));
    }

    /** Ends every watch stream, as a coordinator restart would. */
    void dropWatchers() {
      watchers.forEach(w -> w.onError(Status.UNAVAILABLE.withDescription("restarting").asRuntimeException()));
      watchers.clear();
    }
  }

  private final FakeServer fake = new FakeServer();
  private Server server;
  private TaskgridClient client;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(fake).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    client = TaskgridClient.forChannels(List.of(channel), Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    client.close();
    server.shutdownNow();
  }

  @Test
  void completesTheResultWhenTheServerReportsTheTerminalState() throws Exception {
    TaskHandle handle = client.submit(TaskRequest.builder("echo").payloadText("hi").build());
    assertThat(handle.result()).isNotDone();
    fake.finish(handle.id(), "done");
    ExecutionInfo info = handle.result().get(5, TimeUnit.SECONDS);
    assertThat(info.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(info.result().asText()).isEqualTo("done");
  }

  @Test
  void mapsInvalidArgumentToATypedExceptionKeepingTheServersMessage() {
    fake.failSubmitWith = Status.INVALID_ARGUMENT.withDescription("handler: must not be empty");
    assertThatThrownBy(() -> client.submit(TaskRequest.builder("").build()))
        .isInstanceOf(TaskgridInvalidArgumentException.class)
        .hasMessage("handler: must not be empty")
        .satisfies(e -> assertThat(((TaskgridInvalidArgumentException) e).field()).isEqualTo("handler"));
  }

  @Test
  void mapsNotFoundAndUnavailable() {
    assertThatThrownBy(() -> client.get("nope")).isInstanceOf(TaskgridNotFoundException.class);
    fake.failSubmitWith = Status.UNAVAILABLE.withDescription("Kafka down");
    assertThatThrownBy(() -> client.submit(TaskRequest.builder("echo").build()))
        .isInstanceOf(TaskgridUnavailableException.class)
        .satisfies(e -> assertThat(((TaskgridException) e).isRetryable()).isTrue());
  }

  @Test
  void reopensTheResultStreamAndMissesNoResultWhenItBreaks() throws Exception {
    TaskHandle a = client.submit(TaskRequest.builder("echo").build());
    TaskHandle b = client.submit(TaskRequest.builder("echo").build());
    await().atMost(Duration.ofSeconds(5)).until(() -> !fake.watchers.isEmpty());
    fake.dropWatchers();
    // a finishes while no stream is open: the reopened stream must still deliver it
    fake.finish(a.id(), "a");
    await().atMost(Duration.ofSeconds(5)).until(() -> !fake.watchers.isEmpty());
    fake.finish(b.id(), "b");
    assertThat(a.result().get(5, TimeUnit.SECONDS).result().asText()).isEqualTo("a");
    assertThat(b.result().get(5, TimeUnit.SECONDS).result().asText()).isEqualTo("b");
  }

  @Test
  void splitsLargeBatchesIntoCallsOfAThousand() {
    List<TaskRequest> requests = new ArrayList<>();
    for (int i = 0; i < 2500; i++) requests.add(TaskRequest.builder("echo").build());
    List<TaskHandle> handles = client.submitAll(requests);
    assertThat(handles).hasSize(2500);
    assertThat(fake.batchCalls.get()).isEqualTo(3);
    assertThat(handles.stream().map(TaskHandle::id).distinct()).hasSize(2500);
  }

  @Test
  void closingFailsResultsStillAwaited() {
    TaskHandle handle = client.submit(TaskRequest.builder("echo").build());
    client.close();
    assertThatThrownBy(() -> handle.result().join()).hasCauseInstanceOf(TaskgridException.class);
  }

  @Test
  void rejectsANegativeTimeoutBeforeSending() {
    assertThatThrownBy(() -> TaskRequest.builder("echo").timeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
