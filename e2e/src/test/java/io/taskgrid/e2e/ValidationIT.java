package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.e2e.support.Inspect;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.Outcome;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.ReportOutcomesRequest;
import io.taskgrid.proto.v1.ResultServiceGrpc;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.SubmitTasksRequest;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.redisson.api.RedissonClient;

/** Bad input gets INVALID_ARGUMENT or NOT_FOUND naming the field, and writes nothing anywhere. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValidationIT {
  private static final int LIMIT = 1024;
  private final TestCluster cluster = new TestCluster().limits(SubmissionLimits.DEFAULTS.withMaxPayloadBytes(LIMIT));
  private ManagedChannel channel;
  private TaskServiceGrpc.TaskServiceBlockingStub tasks;
  private RedissonClient redis;

  @BeforeAll
  void start() {
    Coordinator c = cluster.coordinator();
    channel = Grpc.newChannelBuilder(TestCluster.address(c), InsecureChannelCredentials.create()).build();
    tasks = TaskServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    redis = Inspect.redis(cluster.infra().redisUrl());
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
    redis.shutdown();
    cluster.close();
  }

  private StatusRuntimeException rejected(SubmitTaskRequest request) {
    return catchThrowableOfType(StatusRuntimeException.class, () -> tasks.submitTask(request));
  }

  private void assertNothingWritten() {
    assertThat(Inspect.keysIn(redis, cluster.namespace())).isZero();
    assertThat(Inspect.messagesIn(cluster.infra().kafkaBootstrap(), cluster.topic(), TestCluster.PARTITIONS)).isZero();
  }

  @Test
  void rejectsAnEmptyHandler() {
    StatusRuntimeException e = rejected(SubmitTaskRequest.newBuilder().setHandler("").build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).isEqualTo("handler: must not be empty");
    assertNothingWritten();
  }

  @Test
  void rejectsAMalformedHandlerQuotingIt() {
    StatusRuntimeException e = rejected(SubmitTaskRequest.newBuilder().setHandler("send email!").build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).startsWith("handler:").contains("\"send email!\"");
    assertNothingWritten();
  }

  @Test
  void rejectsANegativeTimeout() {
    StatusRuntimeException e = rejected(SubmitTaskRequest.newBuilder().setHandler("echo")
        .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(-5)).build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).isEqualTo("timeout: must not be negative, got -5s");
    assertNothingWritten();
  }

  @Test
  void rejectsAPayloadOverTheConfiguredLimit() {
    StatusRuntimeException e = rejected(SubmitTaskRequest.newBuilder().setHandler("echo")
        .setPayload(Payload.newBuilder().setData(ByteString.copyFrom(new byte[LIMIT + 1]))).build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).isEqualTo("payload: is 1025 bytes, over the limit of 1024 bytes");
    assertNothingWritten();
  }

  @Test
  void rejectsAWholeBatchWhenOneTaskIsInvalidNamingItsIndex() {
    SubmitTasksRequest batch = SubmitTasksRequest.newBuilder()
        .addTasks(SubmitTaskRequest.newBuilder().setHandler("echo"))
        .addTasks(SubmitTaskRequest.newBuilder().setHandler("echo"))
        .addTasks(SubmitTaskRequest.newBuilder().setHandler("bad handler"))
        .build();
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> tasks.submitTasks(batch));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).startsWith("tasks[2].handler:");
    assertNothingWritten();
  }

  @Test
  void rejectsAnEmptyBatch() {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> tasks.submitTasks(SubmitTasksRequest.getDefaultInstance()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).startsWith("tasks:");
  }

  @Test
  void rejectsABadIdempotencyKeyAndLabels() {
    StatusRuntimeException key = rejected(SubmitTaskRequest.newBuilder().setHandler("echo").setIdempotencyKey("has space").build());
    assertThat(key.getStatus().getDescription()).startsWith("idempotency_key:");
    StatusRuntimeException label = rejected(SubmitTaskRequest.newBuilder().setHandler("echo").putLabels("bad key", "v").build());
    assertThat(label.getStatus().getDescription()).startsWith("labels:");
    assertNothingWritten();
  }

  @Test
  void answersNotFoundForAnUnknownExecutionAndInvalidArgumentForAMalformedId() {
    StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class, () -> tasks.getExecution(
        GetExecutionRequest.newBuilder().setExecutionId("0190c5d4-7a3e-7000-8000-000000000000").build()));
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(unknown.getStatus().getDescription()).startsWith("execution_id:");
    StatusRuntimeException malformed = catchThrowableOfType(StatusRuntimeException.class, () -> tasks.getExecution(
        GetExecutionRequest.newBuilder().setExecutionId("not-an-id").build()));
    assertThat(malformed.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(malformed.getStatus().getDescription()).isEqualTo("execution_id: must be a UUID, got \"not-an-id\"");
  }

  @Test
  void rejectsAnOutcomeReportWithoutAStatus() {
    var results = ResultServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> results.reportOutcomes(
        ReportOutcomesRequest.newBuilder().setWorkerId("w").addOutcomes(
            Outcome.newBuilder().setExecutionId("0190c5d4-7a3e-7000-8000-000000000000")).build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).startsWith("outcomes[0].status:");
    assertNothingWritten();
  }

  @Test
  void anOutcomeStreamAnswersAnInvalidBatchWithItsReasonAndGoesOn() throws Exception {
    java.util.concurrent.BlockingQueue<Object> answers = new java.util.concurrent.LinkedBlockingQueue<>();
    var requests = ResultServiceGrpc.newStub(channel).streamOutcomes(new io.grpc.stub.StreamObserver<>() {
      @Override
      public void onNext(io.taskgrid.proto.v1.ReportOutcomesResponse r) {
        answers.add(r);
      }

      @Override
      public void onError(Throwable t) {
        answers.add(t);
      }

      @Override
      public void onCompleted() {
        answers.add("completed");
      }
    });
    requests.onNext(ReportOutcomesRequest.newBuilder().setWorkerId("w").setSequence(7).addOutcomes(
        Outcome.newBuilder().setExecutionId("0190c5d4-7a3e-7000-8000-000000000000")).build());
    var first = (io.taskgrid.proto.v1.ReportOutcomesResponse) answers.poll(30, TimeUnit.SECONDS);
    assertThat(first.getSequence()).isEqualTo(7);
    assertThat(first.getInvalid()).startsWith("outcomes[0].status:");

    requests.onNext(ReportOutcomesRequest.newBuilder().setWorkerId("w").setSequence(8).addOutcomes(
        Outcome.newBuilder().setExecutionId("not-an-id").setStatus(io.taskgrid.proto.v1.ExecutionStatus.EXECUTION_STATUS_SUCCEEDED)).build());
    var second = (io.taskgrid.proto.v1.ReportOutcomesResponse) answers.poll(30, TimeUnit.SECONDS);
    assertThat(second.getSequence()).isEqualTo(8);
    assertThat(second.getInvalid()).isEqualTo("outcomes[0].execution_id: must be a UUID, got \"not-an-id\"");

    requests.onNext(ReportOutcomesRequest.newBuilder().setSequence(9).build());
    var third = (io.taskgrid.proto.v1.ReportOutcomesResponse) answers.poll(30, TimeUnit.SECONDS);
    assertThat(third.getSequence()).isEqualTo(9);
    assertThat(third.getInvalid()).isEqualTo("worker_id: must not be empty");

    requests.onCompleted();
    assertThat(answers.poll(30, TimeUnit.SECONDS)).isEqualTo("completed");
    assertNothingWritten();
  }
}
