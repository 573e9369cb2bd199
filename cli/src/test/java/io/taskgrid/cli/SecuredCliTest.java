package io.taskgrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.taskgrid.proto.v1.Execution;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.SubmitTaskResponse;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WhoAmIRequest;
import io.taskgrid.proto.v1.WhoAmIResponse;
import io.taskgrid.security.testing.TestCertificates;
import io.taskgrid.security.testing.TlsTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a TLS server that records what it is sent: trust, token, client certificate, exit 6. */
class SecuredCliTest {
  @TempDir Path dir;
  private TestCertificates ca;
  private TlsTestServer server;

  @BeforeEach
  void start() {
    ca = TestCertificates.authority(dir.resolve("ca"), "ca");
    server = TlsTestServer.start(ca, Set.of("tgk_viewer", "tgk_rotated"), new TaskServiceGrpc.TaskServiceImplBase() {
      @Override
      public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> out) {
        out.onNext(WhoAmIResponse.newBuilder().setName("dashboards").setRole("viewer").setAuthenticatedBy("api-key")
            .addAllowedTaskPrefixes("reports.").setAuthenticationEnabled(true).build());
        out.onCompleted();
      }

      @Override
      public void getExecution(GetExecutionRequest request, StreamObserver<Execution> out) {
        out.onNext(Execution.newBuilder().setExecutionId(request.getExecutionId()).setHandler("echo")
            .setStatus(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED).build());
        out.onCompleted();
      }

      @Override
      public void submitTask(SubmitTaskRequest request, StreamObserver<SubmitTaskResponse> out) {
        out.onError(Status.PERMISSION_DENIED.withDescription("dashboards (viewer) may not call SubmitTask").asRuntimeException());
      }
    });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void whoamiSendsTheTokenOverTlsTrustingTheGivenCa() {
    Cli.Result r = new Cli(server.address()).run("whoami", "--tls-ca", ca.certificate().toString(), "--token", "tgk_viewer");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("dashboards", "viewer", "api-key", "reports.");
    assertThat(server.calls()).singleElement().satisfies(c -> assertThat(c.authorization()).isEqualTo("Bearer tgk_viewer"));
  }

  @Test
  void takesTheSettingsFromTheEnvironmentAndPresentsTheClientCertificate() {
    TestCertificates.Issued cert = ca.client("ops-laptop");
    Cli.Result r = new Cli(server.address()).env("TASKGRID_CLIENT_TLS_CA", ca.certificate().toString())
        .env("TASKGRID_CLIENT_TLS_CERT", cert.chain().toString()).env("TASKGRID_CLIENT_TLS_KEY", cert.privateKey().toString())
        .env("TASKGRID_TOKEN", "tgk_viewer")
        .run("executions", "get", "0190a1b2-0000-7000-8000-000000000001", "-o", "json");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("SUCCEEDED");
    TlsTestServer.Call call = server.calls().getFirst();
    assertThat(call.clientCertificate().getSubjectX500Principal().getName()).isEqualTo("CN=ops-laptop");
    assertThat(call.authorization()).isEqualTo("Bearer tgk_viewer");
  }

  @Test
  void aRefusedCallExitsWith6PrintingTheServersMessage() {
    Cli cli = new Cli(server.address()).env("TASKGRID_CLIENT_TLS_CA", ca.certificate().toString());

    Cli.Result denied = cli.env("TASKGRID_TOKEN", "tgk_viewer").run("submit", "echo");
    assertThat(denied.code()).as(denied.toString()).isEqualTo(6);
    assertThat(denied.err()).contains("permission denied: dashboards (viewer) may not call SubmitTask").doesNotContain("\tat ");

    Cli.Result unknown = cli.run("whoami", "--token", "tgk_wrong");
    assertThat(unknown.code()).as(unknown.toString()).isEqualTo(6);
    assertThat(unknown.err()).contains("not authenticated: unknown API key", "--token").doesNotContain("tgk_wrong");
  }

  @Test
  void readsTheTokenFromTheTokenFileOfTheFlagOverTheEnvironmentsToken() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "tgk_rotated\n");
    Cli.Result r = new Cli(server.address()).env("TASKGRID_TOKEN", "tgk_stale").env("TASKGRID_CLIENT_TLS_CA", ca.certificate().toString())
        .run("whoami", "--token-file", token.toString());

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(server.calls().getFirst().authorization()).isEqualTo("Bearer tgk_rotated");
  }

  @Test
  void aServerItDoesNotTrustIsRefusedBeforeTheTokenIsSent() {
    TestCertificates other = TestCertificates.authority(dir.resolve("other"), "other-ca");
    Cli.Result r = new Cli(server.address()).run("whoami", "--tls-ca", other.certificate().toString(), "--token", "tgk_viewer");

    assertThat(r.code()).as(r.toString()).isEqualTo(4);
    assertThat(r.err()).contains("certification path").doesNotContain("\tat ");
    assertThat(server.calls()).isEmpty();
  }

  @Test
  void badSecuritySettingsExitWith2NamingTheFlag() {
    Cli cli = new Cli(server.address());
    Cli.Result missing = cli.run("whoami", "--tls-ca", dir.resolve("absent.pem").toString());
    assertThat(missing.code()).as(missing.toString()).isEqualTo(2);
    assertThat(missing.err()).contains("--tls-ca (TASKGRID_CLIENT_TLS_CA) must be a readable PEM file");
    Cli.Result half = cli.run("whoami", "--tls-cert", "client.crt");
    assertThat(half.code()).isEqualTo(2);
    assertThat(half.err()).contains("--tls-key (TASKGRID_CLIENT_TLS_KEY) must be set together with TASKGRID_CLIENT_TLS_CERT");
    assertThat(server.calls()).isEmpty();
  }

  @Test
  void keysNewPrintsARandomKeyOnceAndTheEntryWithItsHash() throws Exception {
    Cli.Result r = new Cli(null).run("keys", "new", "--name", "ops-bot", "--role", "operator", "--handlers", "reports.daily,reports.weekly",
        "-o", "json");
    assertThat(r.code()).as(r.toString()).isZero();
    JsonNode out = new ObjectMapper().readTree(r.out());
    String key = out.get("key").asText();
    assertThat(key).matches("tgk_[A-Za-z0-9_-]{43}");
    assertThat(out.get("entry").get("key_hash").asText()).isEqualTo(KeysCommand.hash(key)).matches("sha256:[0-9a-f]{64}");
    assertThat(out.get("entry").get("name").asText()).isEqualTo("ops-bot");
    assertThat(out.get("entry").get("role").asText()).isEqualTo("operator");
    assertThat(out.get("entry").get("handlers")).hasSize(2);

    Cli.Result again = new Cli(null).run("keys", "new", "--name", "ops-bot", "--role", "operator");
    assertThat(again.out()).contains("tgk_", "api_keys", "key_hash: sha256:", "role: operator").doesNotContain(key);
  }

  @Test
  void keysNewRefusesAnUnknownRole() {
    Cli.Result r = new Cli(null).run("keys", "new", "--name", "x", "--role", "root");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--role: must be one of viewer, operator, admin, worker");
  }

  @Test
  void theHashIsTheSha256OfTheKeysUtf8BytesInLowercaseHex() {
    // echo -n abc | sha256sum
    assertThat(KeysCommand.hash("abc")).isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
