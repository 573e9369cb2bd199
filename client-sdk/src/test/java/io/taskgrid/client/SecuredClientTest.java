package io.taskgrid.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.SubmitTaskResponse;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WhoAmIRequest;
import io.taskgrid.proto.v1.WhoAmIResponse;
import io.taskgrid.security.testing.TestCertificates;
import io.taskgrid.security.testing.TlsTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the client presents to a TLS server: trust, token, client certificate; and how refusals read. */
class SecuredClientTest {
  @TempDir Path dir;
  private TestCertificates ca;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void certificates() {
    ca = TestCertificates.authority(dir.resolve("ca"), "ca");
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) c.close();
  }

  @Test
  void sendsItsTokenOverTlsTrustingTheGivenCa() {
    TlsTestServer server = server(Set.of());
    TaskgridClient client = client(TaskgridClient.builder().coordinators(server.address()).tls(ca.certificate()).token("tgk_operator"));

    CallerIdentity me = client.whoAmI();

    assertThat(me).isEqualTo(new CallerIdentity("ops-bot", "operator", "api-key", List.of("reports.daily"), List.of(), true));
    assertThat(server.calls()).singleElement().satisfies(c -> {
      assertThat(c.method()).isEqualTo("WhoAmI");
      assertThat(c.authorization()).isEqualTo("Bearer tgk_operator");
      assertThat(c.clientCertificate()).isNull();
    });
  }

  @Test
  void presentsItsClientCertificateForMutualTls() {
    TlsTestServer server = server(Set.of());
    TestCertificates.Issued cert = ca.client("billing-service");
    TaskgridClient client = client(TaskgridClient.builder().coordinators(server.address()).tls(ca.certificate())
        .clientCertificate(cert.chain(), cert.privateKey()));

    client.whoAmI();

    TlsTestServer.Call call = server.calls().getFirst();
    assertThat(call.clientCertificate().getSubjectX500Principal().getName()).isEqualTo("CN=billing-service");
    assertThat(call.authorization()).isNull();
  }

  @Test
  void refusesAServerWhoseCertificateItDoesNotTrustSayingSo() {
    TlsTestServer server = server(Set.of());
    TestCertificates other = TestCertificates.authority(dir.resolve("other"), "other-ca");
    TaskgridClient client = client(TaskgridClient.builder().coordinators(server.address()).tls(other.certificate()).token("tgk_operator")
        .defaultDeadline(Duration.ofSeconds(5)));

    assertThatThrownBy(client::whoAmI)
        .isInstanceOf(TaskgridUnavailableException.class)
        .hasMessageContaining("TLS handshake with the coordinator failed")
        .hasMessageContaining("certification path");
    assertThat(server.calls()).isEmpty(); // the token never left the client
  }

  @Test
  void aSuppliedTokenIsAskedForOnEveryCallSoARotatedTokenIsUsed() throws Exception {
    TlsTestServer server = server(Set.of("tgk_new"));
    Path tokenFile = Files.writeString(dir.resolve("token"), "tgk_old");
    TaskgridClient client = client(TaskgridClient.builder().coordinators(server.address()).tls(ca.certificate())
        .tokenSupplier(() -> read(tokenFile)));

    assertThatThrownBy(client::whoAmI).isInstanceOf(TaskgridUnauthenticatedException.class).hasMessage("unknown API key");
    Files.writeString(tokenFile, "tgk_new");
    assertThat(client.whoAmI().name()).isEqualTo("ops-bot");
    assertThat(server.calls()).extracting(TlsTestServer.Call::authorization).containsExactly("Bearer tgk_old", "Bearer tgk_new");
  }

  @Test
  void aCallWithoutATokenIsUnauthenticatedAndOneTheRoleForbidsIsPermissionDenied() {
    TlsTestServer server = server(Set.of("tgk_viewer"));
    TaskgridClient anonymous = client(TaskgridClient.builder().coordinators(server.address()).tls(ca.certificate()));
    assertThatThrownBy(anonymous::whoAmI).isInstanceOf(TaskgridUnauthenticatedException.class).hasMessage("no bearer token")
        .satisfies(e -> assertThat(((TaskgridException) e).isRetryable()).isFalse());

    TaskgridClient viewer = client(TaskgridClient.builder().coordinators(server.address()).tls(ca.certificate()).token("tgk_viewer"));
    assertThatThrownBy(() -> viewer.submit(TaskRequest.builder("echo").build()))
        .isInstanceOf(TaskgridPermissionDeniedException.class)
        .hasMessage("role viewer may not call SubmitTask");
  }

  @Test
  void aTokenFailingInItsSupplierFailsTheCallAsUnauthenticated() {
    TlsTestServer server = server(Set.of());
    TaskgridClient client = client(TaskgridClient.builder().coordinators(server.address()).tls(ca.certificate())
        .tokenSupplier(() -> ""));
    assertThatThrownBy(client::whoAmI).isInstanceOf(TaskgridUnauthenticatedException.class).hasMessageContaining("no token");
    assertThat(server.calls()).isEmpty();
  }

  @Test
  void badTlsSettingsAreRefusedByBuildNamingTheFile() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
    assertThatThrownBy(() -> TaskgridClient.builder().coordinators("localhost:7233").tls(garbage).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("garbage.pem");
    assertThatThrownBy(() -> TaskgridClient.builder().coordinators("localhost:7233").tls(dir.resolve("absent.pem")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absent.pem");
    TestCertificates.Issued cert = ca.client("c");
    assertThatThrownBy(() -> TaskgridClient.builder().coordinators("localhost:7233").clientCertificate(cert.chain(), garbage).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientCertificate");
    assertThatThrownBy(() -> TaskgridClient.builder().token("has space")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("has space");
    var channel = InProcessChannelBuilder.forName("x").build();
    try {
      assertThatThrownBy(() -> TaskgridClient.builder().channel(channel).tls().build()).isInstanceOf(IllegalArgumentException.class);
    } finally {
      channel.shutdownNow();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private TaskgridClient client(TaskgridClient.Builder builder) {
    TaskgridClient client = builder.build();
    open.add(client);
    return client;
  }

  private TlsTestServer server(Set<String> tokens) {
    TlsTestServer server = TlsTestServer.start(ca, tokens, new TaskServiceGrpc.TaskServiceImplBase() {
      @Override
      public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> out) {
        out.onNext(WhoAmIResponse.newBuilder().setName("ops-bot").setRole("operator").setAuthenticatedBy("api-key")
            .addAllowedHandlers("reports.daily").setAuthenticationEnabled(true).build());
        out.onCompleted();
      }

      @Override
      public void submitTask(SubmitTaskRequest request, StreamObserver<SubmitTaskResponse> out) {
        out.onError(Status.PERMISSION_DENIED.withDescription("role viewer may not call SubmitTask").asRuntimeException());
      }
    });
    open.add(server);
    return server;
  }
}
