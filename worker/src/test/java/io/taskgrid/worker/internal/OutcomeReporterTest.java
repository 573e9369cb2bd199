package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.Payload;
import io.taskgrid.proto.v1.ReportOutcomesRequest;
import io.taskgrid.proto.v1.ReportOutcomesResponse;
import io.taskgrid.proto.v1.ResultServiceGrpc;
import io.taskgrid.proto.v1.TaskMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutcomeReporterTest {
  private final List<ReportOutcomesRequest> received = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;
  private OutcomeReporter reporter;

  @AfterEach
  void stop() throws Exception {
    if (reporter != null) reporter.close();
    if (channel != null) channel.shutdownNow();
    if (server != null) server.shutdownNow().awaitTermination();
  }

  @Test
  void largeOutcomesAreSplitIntoCallsUnderTheRequestLimitAndAllAcknowledged() throws Exception {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    reporter = reporterTo(new ResultServiceGrpc.ResultServiceImplBase() {
      @Override
      public void reportOutcomes(ReportOutcomesRequest request, StreamObserver<ReportOutcomesResponse> out) {
        received.add(request);
        out.onNext(ReportOutcomesResponse.getDefaultInstance());
        out.onCompleted();
      }
    }, acknowledged);
    reporter.start();

    int outcomes = 12;
    byte[] result = new byte[1536 * 1024]; // 1.5 MiB each: 18 MiB in all, over one message's limit
    for (int i = 0; i < outcomes; i++) reporter.report(finished("e" + i, result));

    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() == outcomes);
    assertThat(received).hasSizeGreaterThan(1);
    assertThat(received).allSatisfy(r -> assertThat(r.getSerializedSize()).isLessThanOrEqualTo(OutcomeReporter.MAX_REQUEST_BYTES + 1024));
    assertThat(received.stream().mapToInt(ReportOutcomesRequest::getOutcomesCount).sum()).isEqualTo(outcomes);
  }

  @Test
  void anOutcomeTheCoordinatorRefusesAsInvalidIsDroppedWithoutHoldingBackTheOthers() throws Exception {
    Set<String> recorded = ConcurrentHashMap.newKeySet();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    reporter = reporterTo(new ResultServiceGrpc.ResultServiceImplBase() {
      @Override
      public void reportOutcomes(ReportOutcomesRequest request, StreamObserver<ReportOutcomesResponse> out) {
        received.add(request);
        if (request.getOutcomesList().stream().anyMatch(o -> o.getExecutionId().startsWith("bad"))) {
          out.onError(io.grpc.Status.INVALID_ARGUMENT.withDescription("outcomes[0].execution_id: must be a UUID").asRuntimeException());
          return;
        }
        request.getOutcomesList().forEach(o -> recorded.add(o.getExecutionId()));
        out.onNext(ReportOutcomesResponse.getDefaultInstance());
        out.onCompleted();
      }
    }, acknowledged);
    for (String id : List.of("e1", "bad", "e2", "e3")) reporter.report(finished(id, new byte[1]));
    reporter.start(); // all four in one batch

    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() == 4);
    assertThat(recorded).containsExactlyInAnyOrder("e1", "e2", "e3");
    reporter.report(finished("e4", new byte[1]));
    await().atMost(Duration.ofSeconds(30)).until(() -> recorded.contains("e4"));
  }

  @Test
  void outcomesACoordinatorRefusesForTheWorkersCredentialsAreKeptAndSentAgain() throws Exception {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger(3);
    reporter = reporterTo(new ResultServiceGrpc.ResultServiceImplBase() {
      @Override
      public void reportOutcomes(ReportOutcomesRequest request, StreamObserver<ReportOutcomesResponse> out) {
        received.add(request);
        if (refusals.getAndDecrement() > 0) { // until the token is fixed (a rotated token file, say)
          out.onError(io.grpc.Status.UNAUTHENTICATED.withDescription("unknown API key").asRuntimeException());
          return;
        }
        out.onNext(ReportOutcomesResponse.getDefaultInstance());
        out.onCompleted();
      }
    }, acknowledged);
    for (String id : List.of("e1", "e2")) reporter.report(finished(id, new byte[1]));
    reporter.start();

    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() == 2);
    assertThat(received).hasSizeGreaterThanOrEqualTo(4);
  }

  /** A reporter to {@code service} in this process, adding what it acknowledges to {@code acknowledged}. */
  private OutcomeReporter reporterTo(ResultServiceGrpc.ResultServiceImplBase service, Set<String> acknowledged) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).maxInboundMessageSize(16 * 1024 * 1024).addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    return new OutcomeReporter("w-test", List.of("in-process:1"), List.of(channel), run -> acknowledged.add(run.executionId()));
  }

  private static Run finished(String id, byte[] result) {
    Instant now = Instant.now();
    Run run = new Run(new Delivery(new TopicPartition("t", 0), 0, TaskMessage.newBuilder().setExecutionId(id).setHandler("h").build()),
        1, now, now.plusSeconds(60));
    run.finish(new Outcome.Succeeded(now, now, new Payload(result, Payload.OCTET_STREAM)));
    return run;
  }
}
