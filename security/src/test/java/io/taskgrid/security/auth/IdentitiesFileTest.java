package io.taskgrid.security.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.security.Identity;
import io.taskgrid.security.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentitiesFileTest {
  private static final String CI_HASH = ApiKeys.hash("ci-secret");

  @Test
  void readsApiKeysAndCertificatesWithTheirRolesAndAllowLists() {
    Identities ids = IdentitiesFile.parse("""
        api_keys:
          - name: ci
            key_hash: %s
            role: operator
            handlers: [reports.build, email.send]
            task_prefixes: [nightly-]
          - name: grafana
            key_hash: %s
            role: viewer
        certificates:
          - common_name: worker-1
            role: worker
        """.formatted(CI_HASH, ApiKeys.hash("grafana-secret")));

    assertThat(ids.byApiKey("ci-secret")).contains(
        new Identity("ci", Role.OPERATOR, List.of("reports.build", "email.send"), List.of("nightly-"), "api-key"));
    assertThat(ids.byApiKey("grafana-secret").map(Identity::role)).contains(Role.VIEWER);
    assertThat(ids.byApiKey("wrong")).isEmpty();
    assertThat(ids.byCommonName("worker-1")).contains(new Identity("worker-1", Role.WORKER, List.of(), List.of(), "mtls"));
    assertThat(ids.toString()).doesNotContain(CI_HASH);
  }

  @Test
  void storesKeysAsSha256HexOfTheirUtf8Bytes() {
    // echo -n test | sha256sum
    assertThat(ApiKeys.hash("test")).isEqualTo("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  }

  @Test
  void anEmptyFileHasNoIdentities() {
    assertThat(IdentitiesFile.parse("")).isEqualTo(Identities.NONE);
    assertThat(IdentitiesFile.parse("api_keys: []\ncertificates:\n")).isEqualTo(Identities.NONE);
  }

  @Test
  void badEntriesAreReportedWithTheirLineNumber() {
    assertThatThrownBy(() -> IdentitiesFile.parse("api_keys:\n  - name: ci\n    key_hash: " + CI_HASH + "\n    role: boss\n"))
        .hasMessageStartingWith("line 4: role must be one of viewer, operator, admin, worker");
    assertThatThrownBy(() -> IdentitiesFile.parse("api_keys:\n  - name: ci\n    key_hash: " + CI_HASH + "\n    role: viewer\n    hanlders: [a]\n"))
        .hasMessageStartingWith("line 5: unknown field 'hanlders'");
    assertThatThrownBy(() -> IdentitiesFile.parse("api_keys:\n  - name: ci\n    key_hash: my-plain-key\n    role: viewer\n"))
        .hasMessageStartingWith("line 3: key_hash must be sha256:").hasMessageNotContaining("my-plain-key");
    assertThatThrownBy(() -> IdentitiesFile.parse("api_keys:\n  - name: ci\n    role: viewer\n"))
        .hasMessageStartingWith("line 2: key_hash is required");
    assertThatThrownBy(() -> IdentitiesFile.parse("api_keys:\n  - {name: a, key_hash: " + CI_HASH + ", role: viewer}\n  - {name: a, key_hash: "
        + ApiKeys.hash("x") + ", role: viewer}\n")).hasMessageStartingWith("line 3: api key name 'a' is also used on line 2");
    assertThatThrownBy(() -> IdentitiesFile.parse("api_keys:\n  - {name: a, key_hash: " + CI_HASH + ", role: viewer}\n  - {name: b, key_hash: "
        + CI_HASH + ", role: viewer}\n")).hasMessageStartingWith("line 3: key_hash of 'b' is the same as another key's").hasMessageNotContaining(CI_HASH);
    assertThatThrownBy(() -> IdentitiesFile.parse("certificates:\n  - common_name: w\n    role: worker\n    handlers: x\n"))
        .hasMessageStartingWith("line 4: handlers must be a list");
    assertThatThrownBy(() -> IdentitiesFile.parse("users: []\n")).hasMessageStartingWith("line 1: unknown field 'users'");
    assertThatThrownBy(() -> IdentitiesFile.parse("api_keys:\n  - name: [\n")).hasMessageStartingWith("line ");
    assertThatThrownBy(() -> IdentitiesFile.parse("- a\n- b\n")).hasMessageStartingWith("line 1: the file must be a mapping");
  }
}
