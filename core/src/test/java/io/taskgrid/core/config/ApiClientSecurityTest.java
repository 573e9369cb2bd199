package io.taskgrid.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiClientSecurityTest {

  @Test
  void isPlaintextWithoutATokenByDefault() {
    ApiClientSecurity s = ApiClientSecurity.fromEnvironment(Map.of());
    assertThat(s).isEqualTo(ApiClientSecurity.NONE);
    assertThat(s.tls()).isFalse();
    assertThat(s.hasToken()).isFalse();
  }

  @Test
  void readsEverySetting() {
    ApiClientSecurity s = ApiClientSecurity.fromEnvironment(Map.of("TASKGRID_TOKEN", " tgk_abc ", "TASKGRID_CLIENT_TLS", "on",
        "TASKGRID_CLIENT_TLS_CA", "/etc/tg/ca.pem", "TASKGRID_CLIENT_TLS_CERT", "/etc/tg/w.crt", "TASKGRID_CLIENT_TLS_KEY", "/etc/tg/w.key"));
    assertThat(s.token()).isEqualTo("tgk_abc");
    assertThat(s.tls()).isTrue();
    assertThat(s.tlsCa()).isEqualTo(Path.of("/etc/tg/ca.pem"));
    assertThat(s.tlsCert()).isEqualTo(Path.of("/etc/tg/w.crt"));
    assertThat(s.tlsKey()).isEqualTo(Path.of("/etc/tg/w.key"));
  }

  @Test
  void aCaOrAClientCertificateImpliesTls() {
    assertThat(ApiClientSecurity.fromEnvironment(Map.of("TASKGRID_CLIENT_TLS_CA", "ca.pem")).tls()).isTrue();
    assertThat(ApiClientSecurity.NONE.withClientCertificate(Path.of("c.crt"), Path.of("c.key")).tls()).isTrue();
    assertThat(ApiClientSecurity.NONE.withTls(null).tlsCa()).isNull();
  }

  @Test
  void aTokenAndATokenFileTogetherAreRefusedNamingTheVariable() {
    assertThatThrownBy(() -> ApiClientSecurity.fromEnvironment(Map.of("TASKGRID_TOKEN", "abc", "TASKGRID_TOKEN_FILE", "/run/token")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("TASKGRID_TOKEN_FILE must not be set together with TASKGRID_TOKEN, got '/run/token'");
  }

  @Test
  void aClientCertificateWithoutItsKeyIsRefusedNamingTheMissingVariable() {
    assertThatThrownBy(() -> ApiClientSecurity.fromEnvironment(Map.of("TASKGRID_CLIENT_TLS_CERT", "w.crt")))
        .hasMessage("TASKGRID_CLIENT_TLS_KEY must be set together with TASKGRID_CLIENT_TLS_CERT, got ''");
    assertThatThrownBy(() -> ApiClientSecurity.fromEnvironment(Map.of("TASKGRID_CLIENT_TLS_KEY", "w.key")))
        .hasMessage("TASKGRID_CLIENT_TLS_CERT must be set together with TASKGRID_CLIENT_TLS_KEY, got ''");
  }

  @Test
  void aBadTlsSwitchIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> ApiClientSecurity.fromEnvironment(Map.of("TASKGRID_CLIENT_TLS", "yes please")))
        .hasMessage("TASKGRID_CLIENT_TLS must be on or off, got 'yes please'");
  }

  @Test
  void aTokenThatCannotGoInAHeaderIsRefusedWithoutShowingIt() {
    assertThatThrownBy(() -> ApiClientSecurity.fromEnvironment(Map.of("TASKGRID_TOKEN", "secret with spaces")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("TASKGRID_TOKEN must be printable ASCII without spaces (an API key or a JWT), got '****'")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> ApiClientSecurity.NONE.withToken("s\u00e9cret")).hasMessageNotContaining("cret");
  }

  @Test
  void toStringNeverShowsTheToken() {
    ApiClientSecurity s = ApiClientSecurity.NONE.withToken("tgk_very_secret");
    assertThat(s.toString()).doesNotContain("tgk_very_secret").contains("token=****");
  }
}
