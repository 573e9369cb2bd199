package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.proto.v1.GetExecutionRequest;
import io.taskgrid.proto.v1.ListExecutionsRequest;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.ResultServiceGrpc;
import io.taskgrid.proto.v1.SubmitTaskRequest;
import io.taskgrid.proto.v1.TaskServiceGrpc;
import io.taskgrid.proto.v1.WhoAmIRequest;
import io.taskgrid.proto.v1.WhoAmIResponse;
import io.taskgrid.security.ApiSecurity;
import io.taskgrid.security.ClientAuth;
import io.taskgrid.security.Role;
import io.taskgrid.security.auth.ApiKeys;
import io.taskgrid.security.auth.IdentitiesFile;
import io.taskgrid.security.testing.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's gRPC port with TLS, mutual TLS, API keys and roles, against real Kafka and
 * Redis: real handshakes with generated certificates, each role allowed and denied per rpc over
 * the whole TaskService and ResultService, allow-lists, and a certificate replaced without restart.
 */
class ApiSecurityIT {
  private final TestCluster cluster = new TestCluster();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final Map<Role, String> keys = new EnumMap<>(Role.class);
  private final String mailerKey = "mailer-" + UUID.randomUUID();
  @TempDir Path dir;
  private TestCertificates ca;
  private Path cert;
  private Path key;
  private Path identities;

  @BeforeEach
  void certificatesAndIdentities() throws IOException {
    ca = TestCertificates.authority(dir, "test-ca");
    TestCertificates.Issued server = ca.server("coordinator-1");
    cert = dir.resolve("tls.crt");
    key = dir.resolve("tls.key");
    Files.copy(server.chain(), cert);
    Files.copy(server.privateKey(), key);
    StringBuilder yaml = new StringBuilder("api_keys:\n");
    for (Role role : Role.values()) {
      keys.put(role, role.label() + "-" + UUID.randomUUID());
      yaml.append("  - {name: ").append(role.label()).append("-key, key_hash: ").append(ApiKeys.hash(keys.get(role)))
          .append(", role: ").append(role.label()).append("}\n");
    }
    yaml.append("  - {name: mailer, key_hash: ").append(ApiKeys.hash(mailerKey)).append(", role: operator, handlers: [email.send]}\n");
    yaml.append("certificates:\n  - {common_name: worker-1, role: worker}\n  - {common_name: ops-console, role: admin}\n");
    identities = dir.resolve("identities.yaml");
    Files.writeString(identities, yaml);
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    cluster.close();
  }

  private Coordinator secured(ClientAuth clientAuth) {
    ApiSecurity security = ApiSecurity.NONE.withTls(cert, key).withClientCa(ca.certificate(), clientAuth).withIdentities(identities);
    return cluster.coordinator(cluster.coordinatorConfig(0).withApiSecurity(security));
  }

  @Test
  void servesTlsRefusesPlaintextAndKnowsCallersByKeyOrCertificate() {
    Coordinator c = secured(ClientAuth.OPTIONAL);
    ManagedChannel plaintext = channel(c, InsecureChannelCredentials.create());
    assertThatThrownBy(() -> TaskServiceGrpc.newBlockingStub(plaintext).withDeadlineAfter(10, TimeUnit.SECONDS).whoAmI(WhoAmIRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

    ManagedChannel tls = channel(c, tls(null));
    assertThat(HealthGrpc.newBlockingStub(tls).check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .as("health is open").isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertCode(() -> whoAmI(tls), Status.Code.UNAUTHENTICATED, "no credentials");
    assertCode(() -> whoAmI(withToken(tls, "not-a-key")), Status.Code.UNAUTHENTICATED, "unknown API key");

    WhoAmIResponse byKey = whoAmI(withToken(tls, keys.get(Role.OPERATOR)));
    assertThat(byKey.getName()).isEqualTo("operator-key");
    assertThat(byKey.getRole()).isEqualTo("operator");
    assertThat(byKey.getAuthenticatedBy()).isEqualTo("api-key");
    assertThat(byKey.getAuthenticationEnabled()).isTrue();

    ManagedChannel mtls = channel(c, tls(ca.client("ops-console")));
    WhoAmIResponse byCert = whoAmI(mtls);
    assertThat(byCert.getName()).isEqualTo("ops-console");
    assertThat(byCert.getRole()).isEqualTo("admin");
    assertThat(byCert.getAuthenticatedBy()).isEqualTo("mtls");
    assertCode(() -> whoAmI(channel(c, tls(ca.client("nobody")))), Status.Code.UNAUTHENTICATED, "CN=nobody is not mapped");
  }

  @Test
  void requiredClientCertificatesRefuseClientsWithoutOne() {
    Coordinator c = secured(ClientAuth.REQUIRE);
    assertThatThrownBy(() -> whoAmI(withToken(channel(c, tls(null)), keys.get(Role.ADMIN)))).isInstanceOf(StatusRuntimeException.class);
    TestCertificates foreign = TestCertificates.authority(dir.resolve("foreign"), "foreign-ca");
    assertThatThrownBy(() -> whoAmI(channel(c, tls(foreign.client("ops-console"))))).as("a certificate of another CA")
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(whoAmI(channel(c, tls(ca.client("worker-1")))).getRole()).isEqualTo("worker");
  }

  /** The role each rpc needs, written here independently of the coordinator's table. */
  private static final Map<String, Role> NEEDS = Map.ofEntries(
      Map.entry("SubmitTask", Role.OPERATOR), Map.entry("SubmitTasks", Role.OPERATOR), Map.entry("RunTask", Role.OPERATOR),
      Map.entry("PauseTask", Role.OPERATOR), Map.entry("ResumeTask", Role.OPERATOR), Map.entry("CancelExecution", Role.OPERATOR),
      Map.entry("PublishEvent", Role.OPERATOR), Map.entry("CreateTask", Role.ADMIN), Map.entry("UpdateTask", Role.ADMIN),
      Map.entry("DeleteTask", Role.ADMIN), Map.entry("GetExecution", Role.VIEWER), Map.entry("WatchExecution", Role.VIEWER),
      Map.entry("WatchExecutions", Role.VIEWER), Map.entry("GetTask", Role.VIEWER), Map.entry("ListTasks", Role.VIEWER),
      Map.entry("PreviewSchedule", Role.VIEWER), Map.entry("ListExecutions", Role.VIEWER), Map.entry("ListCircuitBreakers", Role.VIEWER),
      Map.entry("GetStats", Role.VIEWER), Map.entry("WatchLifecycle", Role.VIEWER), Map.entry("ListWorkers", Role.VIEWER),
      Map.entry("ReportOutcomes", Role.WORKER), Map.entry("StreamOutcomes", Role.WORKER), Map.entry("ReportOutput", Role.WORKER));

  @Test
  void eachRoleIsAllowedAndDeniedPerRpcOverTheWholeApi() {
    Coordinator c = secured(ClientAuth.OPTIONAL);
    ManagedChannel tls = channel(c, tls(null));
    List<MethodDescriptor<?, ?>> methods = Stream.of(TaskServiceGrpc.getServiceDescriptor(), ResultServiceGrpc.getServiceDescriptor())
        .flatMap(s -> s.getMethods().stream()).toList();
    assertThat(methods).extracting(MethodDescriptor::getBareMethodName)
        .containsExactlyInAnyOrderElementsOf(Stream.concat(NEEDS.keySet().stream(), Stream.of("WhoAmI")).toList());
    List<String> wrong = new ArrayList<>();
    for (MethodDescriptor<?, ?> m : methods) {
      Status.Code anonymous = call(tls, m);
      if (anonymous != Status.Code.UNAUTHENTICATED) wrong.add(m.getBareMethodName() + " without credentials: " + anonymous);
      for (Role role : Role.values()) {
        Status.Code code = call(withToken(tls, keys.get(role)), m);
        // WhoAmI: any authenticated identity
        boolean allowed = m.getBareMethodName().equals("WhoAmI") || role.includes(NEEDS.get(m.getBareMethodName()));
        // allowed calls carry empty requests: they may be refused as invalid or not found, never as forbidden
        boolean ok = allowed ? code != Status.Code.PERMISSION_DENIED && code != Status.Code.UNAUTHENTICATED : code == Status.Code.PERMISSION_DENIED;
        if (!ok) wrong.add(m.getBareMethodName() + " as " + role.label() + ": " + code + (allowed ? " (should be allowed)" : " (should be denied)"));
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void aWorkerIdentityCannotSubmitOrRead() {
    Coordinator c = secured(ClientAuth.OPTIONAL);
    ManagedChannel worker = channel(c, tls(ca.client("worker-1")));
    assertCode(() -> TaskServiceGrpc.newBlockingStub(worker).submitTask(submit("email.send")), Status.Code.PERMISSION_DENIED,
        "role worker may not call SubmitTask");
    assertCode(() -> TaskServiceGrpc.newBlockingStub(worker).listExecutions(ListExecutionsRequest.getDefaultInstance()), Status.Code.PERMISSION_DENIED,
        "role worker may not call ListExecutions");
    assertThat(whoAmI(worker).getRole()).isEqualTo("worker");
    assertThat(ResultServiceGrpc.newBlockingStub(worker).reportOutcomes(io.taskgrid.proto.v1.ReportOutcomesRequest.newBuilder()
        .setWorkerId("worker-1").build())).isNotNull();
  }

  @Test
  void anAllowListLimitsARealOperatorToItsHandler() {
    Coordinator c = secured(ClientAuth.OPTIONAL);
    ManagedChannel tls = channel(c, tls(null));
    var mailer = TaskServiceGrpc.newBlockingStub(withToken(tls, mailerKey));
    var admin = TaskServiceGrpc.newBlockingStub(withToken(tls, keys.get(Role.ADMIN)));
    String own = mailer.submitTask(submit("email.send")).getExecutionId();
    String other = admin.submitTask(submit("sms.send")).getExecutionId();
    assertThat(mailer.getExecution(GetExecutionRequest.newBuilder().setExecutionId(own).build()).getHandler()).isEqualTo("email.send");
    assertCode(() -> mailer.getExecution(GetExecutionRequest.newBuilder().setExecutionId(other).build()), Status.Code.PERMISSION_DENIED,
        "handler 'sms.send' is not in the allowed handlers of mailer");
    assertCode(() -> mailer.getExecution(GetExecutionRequest.newBuilder().setExecutionId("01JNOSUCHEXECUTION000000000").build()),
        Status.Code.PERMISSION_DENIED, "is not one mailer may see");
    assertCode(() -> mailer.submitTask(submit("sms.send")), Status.Code.PERMISSION_DENIED, "handler 'sms.send' is not in the allowed handlers");
    assertCode(() -> mailer.listExecutions(ListExecutionsRequest.getDefaultInstance()), Status.Code.PERMISSION_DENIED, "must name one");
    assertThat(mailer.listExecutions(ListExecutionsRequest.newBuilder().setHandler("email.send").build()).getExecutionsList())
        .extracting(e -> e.getExecutionId()).contains(own).doesNotContain(other);
    // nothing of the refused submission was stored
    assertThat(admin.listExecutions(ListExecutionsRequest.newBuilder().setHandler("sms.send").build()).getExecutionsList()).hasSize(1);
  }

  @Test
  void aReplacedCertificateIsServedToNewConnectionsWithoutRestart() throws Exception {
    Coordinator c = secured(ClientAuth.OPTIONAL);
    assertThat(servedCertificate(c.port()).getSubjectX500Principal().getName()).isEqualTo("CN=coordinator-1");
    TestCertificates.Issued renewed = ca.server("coordinator-renewed");
    // as cert-manager or a deploy script would: write beside, then move over
    Files.copy(renewed.chain(), dir.resolve("tls.crt.new"));
    Files.copy(renewed.privateKey(), dir.resolve("tls.key.new"));
    Files.move(dir.resolve("tls.key.new"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.move(dir.resolve("tls.crt.new"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(servedCertificate(c.port()).getSubjectX500Principal().getName()).isEqualTo("CN=coordinator-renewed"));
    assertThat(whoAmI(withToken(channel(c, tls(null)), keys.get(Role.VIEWER))).getName()).as("a new gRPC connection works").isEqualTo("viewer-key");
  }

  @Test
  void withSecurityOffEveryoneIsTheAnonymousAdminAsBefore() {
    Coordinator c = cluster.coordinator(cluster.coordinatorConfig(0));
    ManagedChannel plaintext = channel(c, InsecureChannelCredentials.create());
    WhoAmIResponse me = whoAmI(plaintext);
    assertThat(me.getAuthenticationEnabled()).isFalse();
    assertThat(me.getRole()).isEqualTo("admin");
    assertThat(TaskServiceGrpc.newBlockingStub(plaintext).submitTask(submit("email.send")).getExecutionId()).isNotEmpty();
  }

  @Test
  void aBadTlsFileStopsTheStartNamingItsVariable() throws IOException {
    Files.writeString(key, "not a key");
    CoordinatorConfig config = cluster.coordinatorConfig(0).withApiSecurity(ApiSecurity.NONE.withTls(cert, key));
    assertThatThrownBy(() -> cluster.coordinator(config)).hasMessageStartingWith("TASKGRID_TLS_KEY file has no PEM private key");
  }

  @Test
  void theReadmesExampleIdentitiesFileIsValid() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("# /etc/taskgrid/identities.yaml");
    assertThat(start).isPositive();
    String yaml = readme.substring(start, readme.indexOf("```", start));
    var parsed = IdentitiesFile.parse(yaml);
    assertThat(parsed.apiKeys()).hasSize(3);
    assertThat(parsed.certificates()).containsKeys("worker-1", "ops-console");
  }

  // --- helpers ---

  private ManagedChannel channel(Coordinator c, ChannelCredentials credentials) {
    ManagedChannel ch = Grpc.newChannelBuilderForAddress("localhost", c.port(), credentials).build();
    channels.add(ch);
    return ch;
  }

  private ChannelCredentials tls(TestCertificates.Issued client) {
    try {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(ca.certificate().toFile());
      if (client != null) b.keyManager(client.chain().toFile(), client.privateKey().toFile());
      return b.build();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Channel withToken(Channel channel, String token) {
    Metadata h = new Metadata();
    h.put(io.taskgrid.security.AuthMetadata.AUTHORIZATION, "Bearer " + token);
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(h));
  }

  private static WhoAmIResponse whoAmI(Channel channel) {
    return TaskServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS).whoAmI(WhoAmIRequest.getDefaultInstance());
  }

  private static SubmitTaskRequest submit(String handler) {
    return SubmitTaskRequest.newBuilder().setHandler(handler)
        .setPayload(Payload.newBuilder().setData(ByteString.copyFromUtf8("hi")).setContentType("text/plain")).build();
  }

  /** How the server answers {@code method} called with an empty request: OK or the status code. */
  @SuppressWarnings("unchecked")
  private static <Q, R> Status.Code call(Channel channel, MethodDescriptor<Q, R> method) {
    Q request = (Q) ((MethodDescriptor.PrototypeMarshaller<Q>) method.getRequestMarshaller()).getMessagePrototype();
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.SECONDS);
    try {
      switch (method.getType()) {
        case UNARY -> ClientCalls.blockingUnaryCall(channel, method, options, request);
        case SERVER_STREAMING -> ClientCalls.blockingServerStreamingCall(channel, method, options, request).hasNext();
        default -> {
          CompletableFuture<Status> done = new CompletableFuture<>();
          StreamObserver<Q> out = ClientCalls.asyncBidiStreamingCall(channel.newCall(method, options), new StreamObserver<R>() {
            @Override
            public void onNext(R value) {}

            @Override
            public void onError(Throwable t) {
              done.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
              done.complete(Status.OK);
            }
          });
          out.onNext(request);
          out.onCompleted();
          return done.join().getCode();
        }
      }
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Status.Code code, String description) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).contains(description);
    });
  }

  /** The certificate a new TLS connection to the port is served (a JDK client offering HTTP/2, as gRPC does). */
  private X509Certificate servedCertificate(int port) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.x509());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      SSLParameters p = s.getSSLParameters();
      p.setApplicationProtocols(new String[] {"h2"});
      s.setSSLParameters(p);
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }
}
