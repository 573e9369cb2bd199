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
    reporter = reporterTo(new RefusingBad(recorded), acknowledged);
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

  @Test
  void outcomesGoAsBatchesOnOneStreamAndMayBeAcknowledgedInAnyOrder() throws Exception {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicInteger streams = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger unary = new java.util.concurrent.atomic.AtomicInteger();
    reporter = reporterTo(new ResultServiceGrpc.ResultServiceImplBase() {
      @Override
      public void reportOutcomes(ReportOutcomesRequest request, StreamObserver<ReportOutcomesResponse> out) {
        unary.incrementAndGet();
        out.onNext(ReportOutcomesResponse.getDefaultInstance());
        out.onCompleted();
      }

      @Override
      public StreamObserver<ReportOutcomesRequest> streamOutcomes(StreamObserver<ReportOutcomesResponse> out) {
        streams.incrementAndGet();
        List<ReportOutcomesRequest> held = new java.util.ArrayList<>();
        return new StreamObserver<>() {
          @Override
          public synchronized void onNext(ReportOutcomesRequest request) {
            received.add(request);
            held.add(request);
            if (held.size() < 2) return;
            // acknowledge two at a time, the later one first
            for (int i = held.size() - 1; i >= 0; i--) {
              out.onNext(ReportOutcomesResponse.newBuilder().setSequence(held.get(i).getSequence())
                  .setRecorded(held.get(i).getOutcomesCount()).build());
            }
            held.clear();
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            out.onCompleted();
          }
        };
      }
    }, acknowledged);
    reporter.streamPending(4).start();

    for (int i = 0; i < 40; i++) {
      reporter.report(finished("e" + i, new byte[1]));
      int sent = i + 1;
      // one at a time, so that there are many batches, two of them unacknowledged at times
      await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().mapToInt(ReportOutcomesRequest::getOutcomesCount).sum() == sent);
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() == 40);
    assertThat(streams).hasValue(1);
    assertThat(unary).hasValue(0);
    assertThat(received.stream().map(ReportOutcomesRequest::getSequence).distinct().count()).isEqualTo(received.size());
  }

  @Test
  void whatAFailedStreamLeftUnacknowledgedIsSentAgainAndAcknowledgedOnce() throws Exception {
    java.util.Map<String, Integer> acknowledgements = new ConcurrentHashMap<>();
    Set<String> recorded = ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicInteger streams = new java.util.concurrent.atomic.AtomicInteger();
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(new ResultServiceGrpc.ResultServiceImplBase() {
      @Override
      public StreamObserver<ReportOutcomesRequest> streamOutcomes(StreamObserver<ReportOutcomesResponse> out) {
        boolean first = streams.incrementAndGet() == 1;
        return new StreamObserver<>() {
          @Override
          public synchronized void onNext(ReportOutcomesRequest request) {
            request.getOutcomesList().forEach(o -> recorded.add(o.getExecutionId()));
            if (first) {
              // recorded, but the call breaks before the acknowledgement gets out
              out.onError(io.grpc.Status.UNAVAILABLE.withDescription("coordinator restarting").asRuntimeException());
              return;
            }
            out.onNext(ReportOutcomesResponse.newBuilder().setSequence(request.getSequence()).build());
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            out.onCompleted();
          }
        };
      }
    }).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    reporter = new OutcomeReporter("w-test", List.of("in-process:1"), List.of(channel),
        run -> acknowledgements.merge(run.executionId(), 1, Integer::sum));
    for (String id : List.of("e1", "e2", "e3")) reporter.report(finished(id, new byte[1]));
    reporter.start();

    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledgements.size() == 3);
    assertThat(streams.get()).isGreaterThanOrEqualTo(2);
    assertThat(recorded).containsExactlyInAnyOrder("e1", "e2", "e3");
    reporter.report(finished("e4", new byte[1]));
    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledgements.containsKey("e4"));
    assertThat(acknowledgements.values()).containsOnly(1);
  }

  @Test
  void aBatchTheStreamRefusesAsInvalidIsSentOneByOneAndOnlyTheInvalidOutcomeIsDropped() throws Exception {
    Set<String> recorded = ConcurrentHashMap.newKeySet();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    reporter = reporterTo(new RefusingBad(recorded) {
      @Override
      public StreamObserver<ReportOutcomesRequest> streamOutcomes(StreamObserver<ReportOutcomesResponse> out) {
        return new StreamObserver<>() {
          @Override
          public synchronized void onNext(ReportOutcomesRequest request) {
            ReportOutcomesResponse.Builder answer = ReportOutcomesResponse.newBuilder().setSequence(request.getSequence());
            if (request.getOutcomesList().stream().anyMatch(o -> o.getExecutionId().startsWith("bad"))) {
              answer.setInvalid("outcomes[1].execution_id: must be a UUID, got 'bad'");
            } else {
              request.getOutcomesList().forEach(o -> recorded.add(o.getExecutionId()));
            }
            out.onNext(answer.build());
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            out.onCompleted();
          }
        };
      }
    }, acknowledged);
    for (String id : List.of("e1", "bad", "e2", "e3")) reporter.report(finished(id, new byte[1]));
    reporter.start(); // all four in one batch

    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() == 4);
    assertThat(recorded).containsExactlyInAnyOrder("e1", "e2", "e3");
    // the dropped one too: it can never be recorded, and its message must not stall the partition
    // one unary call per outcome of the refused batch
    assertThat(received).hasSize(4).allSatisfy(r -> assertThat(r.getOutcomesCount()).isEqualTo(1));
    reporter.report(finished("e4", new byte[1]));
    await().atMost(Duration.ofSeconds(30)).until(() -> recorded.contains("e4"));
  }

  /** Records the outcomes of unary calls, refusing as invalid a call with an execution id that starts with "bad". */
  private class RefusingBad extends ResultServiceGrpc.ResultServiceImplBase {
    final Set<String> recorded;

    RefusingBad(Set<String> recorded) {
      this.recorded = recorded;
    }

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
