package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.Payload;
import io.taskgrid.core.config.ApiClientSecurity;
import io.taskgrid.proto.v1.ReportOutcomesRequest;
import io.taskgrid.proto.v1.ReportOutcomesResponse;
import io.taskgrid.proto.v1.ResultServiceGrpc;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.security.testing.TestCertificates;
import io.taskgrid.security.testing.TlsTestServer;
import io.taskgrid.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's channels to coordinators present what its configuration says: TLS trust, client certificate, token. */
class CoordinatorChannelsTest {
  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final Set<String> recorded = ConcurrentHashMap.newKeySet();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) c.close();
  }

  @Test
  void theCoordinatorSeesTheWorkersTokenAndClientCertificate() {
    TestCertificates ca = TestCertificates.authority(dir, "ca");
    TestCertificates.Issued cert = ca.client("worker-7");
    TlsTestServer server = server(ca, Set.of());
    WorkerConfig config = config(server, Map.of("TASKGRID_TOKEN", "tgk_worker", "TASKGRID_CLIENT_TLS_CA", ca.certificate().toString(),
        "TASKGRID_CLIENT_TLS_CERT", cert.chain().toString(), "TASKGRID_CLIENT_TLS_KEY", cert.privateKey().toString()));

    OutcomeReporter reporter = reporter(config);
    reporter.report(finished("e1"));

    await().atMost(Duration.ofSeconds(30)).until(() -> recorded.contains("e1"));
    TlsTestServer.Call call = server.calls().getFirst();
    assertThat(call.authorization()).isEqualTo("Bearer tgk_worker");
    assertThat(call.clientCertificate().getSubjectX500Principal().getName()).isEqualTo("CN=worker-7");
  }

  @Test
  void aRotatedTokenFileIsSentFromTheNextCallOn() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "ca");
    Path tokenFile = Files.writeString(dir.resolve("token"), "tgk_old\n");
    TlsTestServer server = server(ca, Set.of("tgk_new")); // the old key was revoked
    WorkerConfig config = config(server, Map.of("TASKGRID_TOKEN_FILE", tokenFile.toString(), "TASKGRID_CLIENT_TLS_CA",
        ca.certificate().toString()));

    OutcomeReporter reporter = reporter(config);
    reporter.report(finished("e1"));
    await().atMost(Duration.ofSeconds(30)).until(() -> server.calls().stream().anyMatch(c -> "Bearer tgk_old".equals(c.authorization())));
    assertThat(recorded).isEmpty(); // refused, kept

    Files.writeString(tokenFile, "tgk_new\n");
    Files.setLastModifiedTime(tokenFile, FileTime.from(Instant.now().plusSeconds(5)));
    await().atMost(Duration.ofSeconds(30)).until(() -> recorded.contains("e1"));
  }

  @Test
  void aCoordinatorWhoseCertificateIsNotTrustedGetsNothing() {
    TestCertificates ca = TestCertificates.authority(dir.resolve("real"), "ca");
    TestCertificates other = TestCertificates.authority(dir.resolve("other"), "other-ca");
    TlsTestServer server = server(ca, Set.of());
    WorkerConfig config = config(server, Map.of("TASKGRID_TOKEN", "tgk_worker", "TASKGRID_CLIENT_TLS_CA", other.certificate().toString()));

    OutcomeReporter reporter = reporter(config);
    reporter.report(finished("e1"));

    // the reporter keeps trying; the server never sees a call, so never the token
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> server.calls().isEmpty() && recorded.isEmpty());
  }

  private TlsTestServer server(TestCertificates ca, Set<String> tokens) {
    TlsTestServer server = TlsTestServer.start(ca, tokens, new ResultServiceGrpc.ResultServiceImplBase() {
      @Override
      public void reportOutcomes(ReportOutcomesRequest request, StreamObserver<ReportOutcomesResponse> out) {
        request.getOutcomesList().forEach(o -> recorded.add(o.getExecutionId()));
        out.onNext(ReportOutcomesResponse.getDefaultInstance());
        out.onCompleted();
      }
    });
    open.add(server);
    return server;
  }

  private static WorkerConfig config(TlsTestServer server, Map<String, String> security) {
    return WorkerConfig.defaults("127.0.0.1:9092", "redis://127.0.0.1:6379", server.address())
        .withCoordinatorSecurity(ApiClientSecurity.fromEnvironment(security));
  }

  private OutcomeReporter reporter(WorkerConfig config) {
    List<ManagedChannel> channels = new CoordinatorChannels(config.coordinatorSecurity()).open(config.coordinators(), OpenTelemetry.noop());
    open.add(() -> channels.forEach(ManagedChannel::shutdownNow));
    OutcomeReporter reporter = new OutcomeReporter(config.workerId(), config.coordinators(), channels, run -> {});
    reporter.start();
    open.add(reporter);
    return reporter;
  }

  private static Run finished(String id) {
    Instant now = Instant.now();
    Run run = new Run(new Delivery(new TopicPartition("t", 0), 0, TaskMessage.newBuilder().setExecutionId(id).setHandler("h").build()),
        1, now, now.plusSeconds(60));
    run.finish(new Outcome.Succeeded(now, now, new Payload(new byte[1], Payload.OCTET_STREAM)));
    return run;
  }
}
