package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.OutputLine;
import io.taskgrid.proto.v1.OutputStream;
import io.taskgrid.proto.v1.ReportOutputRequest;
import io.taskgrid.proto.v1.ReportOutputResponse;
import io.taskgrid.proto.v1.ResultServiceGrpc;
import io.taskgrid.worker.internal.process.OutputListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutputForwarderTest {
  private final List<ReportOutputRequest> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile boolean blocking;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(new ResultServiceGrpc.ResultServiceImplBase() {
      @Override
      public void reportOutput(ReportOutputRequest request, StreamObserver<ReportOutputResponse> out) {
        if (blocking) {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        received.add(request);
        out.onNext(ReportOutputResponse.getDefaultInstance());
        out.onCompleted();
      }
    }).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    release.countDown();
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void sendsTheLinesOfEachAttemptNumberedInBatches() {
    try (OutputForwarder forwarder = new OutputForwarder("w-1", List.of(channel)).start()) {
      OutputListener a = forwarder.listener("exec-a", 1);
      OutputListener b = forwarder.listener("exec-b", 2);
      a.line(OutputListener.Stream.STDOUT, "one");
      b.line(OutputListener.Stream.STDERR, "oops");
      a.line(OutputListener.Stream.STDOUT, "two");
      await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().mapToInt(ReportOutputRequest::getLinesCount).sum() == 3);
      List<OutputLine> lines = received.stream().flatMap(r -> r.getLinesList().stream()).toList();
      assertThat(received).allSatisfy(r -> assertThat(r.getWorkerId()).isEqualTo("w-1"));
      assertThat(lines).extracting(l -> l.getExecutionId() + "/" + l.getAttempt() + "/" + l.getStream() + "/" + l.getText() + "#" + l.getSequence())
          .containsExactly("exec-a/1/OUTPUT_STREAM_STDOUT/one#1", "exec-b/2/OUTPUT_STREAM_STDERR/oops#1", "exec-a/1/OUTPUT_STREAM_STDOUT/two#2");
      assertThat(forwarder.dropped()).isZero();
    }
  }

  @Test
  void dropsLinesBeyondItsQueueInsteadOfHoldingThemAll() {
    blocking = true; // the coordinator does not answer: lines pile up
    try (OutputForwarder forwarder = new OutputForwarder("w-1", List.of(channel)).start()) {
      OutputListener a = forwarder.listener("exec-a", 1);
      int written = OutputForwarder.QUEUE + OutputForwarder.MAX_BATCH + 500;
      for (int i = 0; i < written; i++) a.line(OutputListener.Stream.STDOUT, "line " + i);
      assertThat(forwarder.dropped()).isGreaterThanOrEqualTo(500);
      release.countDown();
      await().atMost(Duration.ofSeconds(30)).until(() -> received.stream().mapToInt(ReportOutputRequest::getLinesCount).sum() + forwarder.dropped() == written);
      assertThat(received).allSatisfy(r -> assertThat(r.getLinesCount()).isLessThanOrEqualTo(OutputForwarder.MAX_BATCH));
      assertThat(received.getFirst().getLines(0).getStream()).isEqualTo(OutputStream.OUTPUT_STREAM_STDOUT);
    }
  }
}
