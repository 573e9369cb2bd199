package io.taskgrid.security.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.taskgrid.security.AuthMetadata;
import io.taskgrid.security.Role;
import io.taskgrid.security.internal.Reloading;
import io.taskgrid.security.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AuthInterceptorTest {
  static final String OPERATOR_KEY = "op-" + UUID.randomUUID();
  static final String VIEWER_KEY = "view-" + UUID.randomUUID();
  static final String MAILER_KEY = "mail-" + UUID.randomUUID();
  static final Identities IDS = IdentitiesFile.parse("""
      api_keys:
        - {name: ops, key_hash: %s, role: operator}
        - {name: grafana, key_hash: %s, role: viewer}
        - {name: mailer, key_hash: %s, role: operator, handlers: [email.send]}
      certificates:
        - {common_name: browser-user, role: admin}
      """.formatted(ApiKeys.hash(OPERATOR_KEY), ApiKeys.hash(VIEWER_KEY), ApiKeys.hash(MAILER_KEY)));
  /** Say needs an operator and names the handler in its request; Other is in no table. */
  static final Map<String, AccessRule> RULES = Map.of(Echo.SAY.getFullMethodName(),
      AccessRule.write(Role.OPERATOR, (who, request) -> AllowList.denial(who, List.of((String) request), List.of())));

  @TempDir Path dir;
  final ListAppender<ILoggingEvent> audit = new ListAppender<>();
  Server server;
  ManagedChannel channel;

  @BeforeEach
  void captureAudit() {
    audit.start();
    ((Logger) LoggerFactory.getLogger(AuthInterceptor.AUDIT_LOGGER)).addAppender(audit);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(AuthInterceptor.AUDIT_LOGGER)).detachAppender(audit);
    if (channel != null) channel.shutdownNow();
    if (server != null) server.shutdownNow();
  }

  Channel serve(Map<String, AccessRule> rules, boolean trustForwarded) throws Exception {
    var authenticator = new Authenticator(Optional.of(new Reloading<>("ids", List.of(), () -> IDS, Duration.ofSeconds(1), InstantSource.system())),
        Optional.empty());
    String name = "auth-" + UUID.randomUUID();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(ServerInterceptors.intercept(Echo.service(), new AuthInterceptor(authenticator, rules, trustForwarded))).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return channel;
  }

  @Test
  void callsWithoutValidCredentialsAreUnauthenticatedAndTheTokenIsNotEchoed() throws Exception {
    Channel ch = serve(RULES, false);
    assertStatus(() -> Echo.say(ch, "email.send"), Status.Code.UNAUTHENTICATED, "no credentials");
    assertStatus(() -> Echo.say(ch, "not-a-key-s3cret", "email.send"), Status.Code.UNAUTHENTICATED, "unknown API key");
    Metadata basic = new Metadata();
    basic.put(AuthMetadata.AUTHORIZATION, "Basic dXNlcjpzM2NyZXQ=");
    assertStatus(() -> Echo.say(ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(basic)), "x"), Status.Code.UNAUTHENTICATED,
        "not 'Bearer <token>'");
    assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(l -> l.contains("s3cret") || l.contains("dXNlcjpzM2NyZXQ"));
  }

  @Test
  void theRoleOfTheCallerDecidesAndTheServiceSeesTheIdentity() throws Exception {
    Channel ch = serve(RULES, false);
    assertThat(Echo.say(ch, OPERATOR_KEY, "email.send")).isEqualTo("ops:operator:email.send");
    assertStatus(() -> Echo.say(ch, VIEWER_KEY, "email.send"), Status.Code.PERMISSION_DENIED, "role viewer may not call Say (needs operator)");
    assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(l -> assertThat(l).startsWith("allowed identity=ops role=operator by=api-key method=test.Echo/Say"))
        .anySatisfy(l -> assertThat(l).startsWith("denied identity=grafana role=viewer by=api-key method=test.Echo/Say")
            .contains("reason=\"role viewer may not call Say (needs operator)\""))
        .noneMatch(l -> l.contains(OPERATOR_KEY) || l.contains(VIEWER_KEY));
  }

  @Test
  void aMethodWithoutARuleIsRefusedAndAnOpenOneNeedsNoCredentials() throws Exception {
    Channel ch = serve(Map.of(Echo.SAY.getFullMethodName(), AccessRule.open()), false);
    assertThat(Echo.say(ch, "hi")).isEqualTo("anonymous:admin:hi");
    assertStatus(() -> io.grpc.stub.ClientCalls.blockingUnaryCall(
        ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(bearer(OPERATOR_KEY))), Echo.OTHER, io.grpc.CallOptions.DEFAULT, "x"),
        Status.Code.PERMISSION_DENIED, "no access rule for test.Echo/Other");
  }

  @Test
  void anAllowListLimitsWhatTheRequestMayName() throws Exception {
    Channel ch = serve(RULES, false);
    assertThat(Echo.say(ch, MAILER_KEY, "email.send")).isEqualTo("mailer:operator:email.send");
    assertStatus(() -> Echo.say(ch, MAILER_KEY, "sms.send"), Status.Code.PERMISSION_DENIED, "handler 'sms.send' is not in the allowed handlers of mailer");
    assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(l -> assertThat(l).startsWith("denied identity=mailer").contains("sms.send"));
  }

  @Test
  void aForwardedClientCertificateCountsOnlyWhereTrusted() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "ca");
    Metadata forwarded = new Metadata();
    forwarded.put(AuthMetadata.FORWARDED_CLIENT_CERTIFICATE, ca.client("browser-user").x509().getEncoded());
    Channel ch = ClientInterceptors.intercept(serve(RULES, true), MetadataUtils.newAttachHeadersInterceptor(forwarded));
    assertThat(Echo.say(ch, "anything")).isEqualTo("browser-user:admin:anything");
    stop();
    Channel untrusted = ClientInterceptors.intercept(serve(RULES, false), MetadataUtils.newAttachHeadersInterceptor(forwarded));
    assertStatus(() -> Echo.say(untrusted, "anything"), Status.Code.UNAUTHENTICATED, "no credentials");
  }

  static Metadata bearer(String token) {
    Metadata h = new Metadata();
    h.put(AuthMetadata.AUTHORIZATION, "Bearer " + token);
    return h;
  }

  static void assertStatus(ThrowingCallable call, Status.Code code, String description) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).contains(description);
    });
  }
}
