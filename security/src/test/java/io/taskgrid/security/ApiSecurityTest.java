package io.taskgrid.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.core.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiSecurityTest {
  @TempDir Path dir;

  @Test
  void isOffByDefault() {
    ApiSecurity s = ApiSecurity.fromEnvironment(Map.of());
    assertThat(s).isEqualTo(ApiSecurity.NONE);
    assertThat(s.tls()).isFalse();
    assertThat(s.serverTls()).isEmpty();
    assertThat(s.authenticator(InstantSource.system())).isEmpty();
  }

  @Test
  void inconsistentSettingsFailNamingTheVariable() {
    assertThatThrownBy(() -> ApiSecurity.fromEnvironment(Map.of("TASKGRID_TLS_CERT", "a.crt")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("TASKGRID_TLS_KEY must be set with TASKGRID_TLS_CERT");
    assertThatThrownBy(() -> ApiSecurity.fromEnvironment(Map.of("TASKGRID_TLS_CLIENT_CA", "ca.crt")))
        .hasMessageStartingWith("TASKGRID_TLS_CLIENT_CA needs TLS");
    assertThatThrownBy(() -> ApiSecurity.fromEnvironment(Map.of("TASKGRID_TLS_CLIENT_AUTH", "always")))
        .hasMessage("TASKGRID_TLS_CLIENT_AUTH must be none, optional or require, got 'always'");
    assertThatThrownBy(() -> ApiSecurity.fromEnvironment(Map.of("TASKGRID_TLS_CERT", "a", "TASKGRID_TLS_KEY", "b", "TASKGRID_TLS_CLIENT_AUTH", "require")))
        .hasMessageStartingWith("TASKGRID_TLS_CLIENT_AUTH can be require only with TASKGRID_TLS_CLIENT_CA");
    assertThatThrownBy(() -> ApiSecurity.fromEnvironment(Map.of("TASKGRID_AUTH", "on")))
        .hasMessageStartingWith("TASKGRID_AUTH on needs TASKGRID_IDENTITIES_FILE or TASKGRID_JWT_JWKS_FILE");
    assertThatThrownBy(() -> ApiSecurity.fromEnvironment(Map.of("TASKGRID_AUTH", "yes"))).hasMessage("TASKGRID_AUTH must be on or off, got 'yes'");
    assertThatThrownBy(() -> ApiSecurity.fromEnvironment(Map.of("TASKGRID_JWT_JWKS_FILE", "k.json", "TASKGRID_JWT_AUDIENCE", "tg")))
        .hasMessageStartingWith("TASKGRID_JWT_ISSUER must be set with TASKGRID_JWT_JWKS_FILE");
    assertThatThrownBy(() -> ApiSecurity.fromEnvironment(Map.of("TASKGRID_JWT_JWKS_FILE", "k.json", "TASKGRID_JWT_ISSUER", "i")))
        .hasMessageStartingWith("TASKGRID_JWT_AUDIENCE must be set with TASKGRID_JWT_JWKS_FILE");
  }

  @Test
  void aBadIdentitiesFileFailsAtStartNamingTheVariableAndTheLine() throws Exception {
    Path file = dir.resolve("ids.yaml");
    Files.writeString(file, "api_keys:\n  - name: a\n    key_hash: nope\n    role: viewer\n");
    ApiSecurity s = ApiSecurity.fromEnvironment(Map.of("TASKGRID_AUTH", "on", "TASKGRID_IDENTITIES_FILE", file.toString()));
    assertThatThrownBy(() -> s.authenticator(InstantSource.system())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("TASKGRID_IDENTITIES_FILE line 3: key_hash must be");
    ApiSecurity missing = ApiSecurity.fromEnvironment(Map.of("TASKGRID_AUTH", "on", "TASKGRID_IDENTITIES_FILE", dir.resolve("none.yaml").toString()));
    assertThatThrownBy(() -> missing.authenticator(InstantSource.system())).hasMessageStartingWith("TASKGRID_IDENTITIES_FILE cannot be read");
  }

  @Test
  void theIdentitiesFileIsReadAgainWhenItChanges() throws Exception {
    Path file = dir.resolve("ids.yaml");
    Files.writeString(file, "api_keys:\n  - {name: a, key_hash: " + io.taskgrid.security.auth.ApiKeys.hash("k1") + ", role: viewer}\n");
    MutableClock clock = new MutableClock();
    var auth = ApiSecurity.NONE.withIdentities(file).authenticator(clock).orElseThrow();
    assertThat(auth.authenticate("k1", null).name()).isEqualTo("a");
    Files.writeString(file, "api_keys:\n  - {name: b, key_hash: " + io.taskgrid.security.auth.ApiKeys.hash("k2") + ", role: admin}\n");
    clock.advance(java.time.Duration.ofSeconds(2));
    assertThat(auth.authenticate("k2", null).name()).isEqualTo("b");
    assertThatThrownBy(() -> auth.authenticate("k1", null)).hasMessage("unknown API key");
    Files.writeString(file, "api_keys: [oops");
    clock.advance(java.time.Duration.ofSeconds(2));
    assertThat(auth.authenticate("k2", null).name()).as("a bad file keeps the previous identities").isEqualTo("b");
  }
}
