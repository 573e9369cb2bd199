package io.taskgrid.wire.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.taskgrid.core.config.ApiClientSecurity;
import io.taskgrid.core.config.ConfigException;
import io.taskgrid.security.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinatorCredentialsTest {
  @TempDir Path dir;

  @Test
  void isPlaintextWithoutSecurity() {
    assertThat(CoordinatorCredentials.of(ApiClientSecurity.NONE)).isInstanceOf(InsecureChannelCredentials.class);
  }

  @Test
  void composesTlsAndTheToken() {
    TestCertificates ca = TestCertificates.authority(dir, "ca");
    TestCertificates.Issued client = ca.client("worker-1");
    var security = ApiClientSecurity.NONE.withTls(ca.certificate()).withClientCertificate(client.chain(), client.privateKey())
        .withToken("tgk_abc");
    var credentials = CoordinatorCredentials.of(security);
    assertThat(credentials).isInstanceOf(CompositeChannelCredentials.class);
    assertThat(((CompositeChannelCredentials) credentials).getChannelCredentials()).isInstanceOf(TlsChannelCredentials.class);
  }

  @Test
  void anUnreadableCaIsRefusedNamingItsVariable() throws Exception {
    assertThatThrownBy(() -> CoordinatorCredentials.of(ApiClientSecurity.NONE.withTls(dir.resolve("absent.pem"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("TASKGRID_CLIENT_TLS_CA must be a readable PEM file");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
    assertThatThrownBy(() -> CoordinatorCredentials.of(ApiClientSecurity.NONE.withTls(garbage)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("TASKGRID_CLIENT_TLS_CA");
  }

  @Test
  void aBadClientKeyIsRefusedNamingTheVariablesWithoutTheKey() throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "ca");
    TestCertificates.Issued client = ca.client("worker-1");
    Path badKey = Files.writeString(dir.resolve("bad.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> CoordinatorCredentials.of(ApiClientSecurity.NONE.withClientCertificate(client.chain(), badKey)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("TASKGRID_CLIENT_TLS_CERT and TASKGRID_CLIENT_TLS_KEY")
        .hasMessageNotContaining("AAAA");
  }

  @Test
  void anEmptyTokenFileIsRefusedNamingItsVariable() throws Exception {
    Path empty = Files.writeString(dir.resolve("token"), "");
    assertThatThrownBy(() -> CoordinatorCredentials.of(ApiClientSecurity.NONE.withTokenFile(empty)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("TASKGRID_TOKEN_FILE must name a file holding a token");
  }
}
