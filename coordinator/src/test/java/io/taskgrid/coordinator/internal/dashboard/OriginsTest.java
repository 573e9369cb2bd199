package io.taskgrid.coordinator.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OriginsTest {

  @Test
  void aFormOfTheDashboardItselfIsAccepted() {
    assertThat(Origins.sameOrigin("http://127.0.0.1:8080", null, "127.0.0.1:8080", false)).isTrue();
    assertThat(Origins.sameOrigin("https://taskgrid.example.com", null, "taskgrid.example.com", true)).isTrue();
    assertThat(Origins.sameOrigin("https://taskgrid.example.com", null, "taskgrid.example.com:443", true)).isTrue();
    assertThat(Origins.sameOrigin("https://Taskgrid.Example.com:9443", null, "taskgrid.example.com:9443", true)).isTrue();
  }

  @Test
  void aFormOfAnotherSiteIsRefused() {
    assertThat(Origins.sameOrigin("http://evil.example", null, "127.0.0.1:8080", false)).isFalse();
    assertThat(Origins.sameOrigin("http://127.0.0.1:9999", null, "127.0.0.1:8080", false)).isFalse();
    assertThat(Origins.sameOrigin("http://127.0.0.1", null, "127.0.0.1:8080", false)).isFalse();
    assertThat(Origins.sameOrigin("http://taskgrid.example.com.evil.example", null, "taskgrid.example.com", false)).isFalse();
  }

  @Test
  void theRefererStandsInWhenTheOriginIsMissing() {
    assertThat(Origins.sameOrigin(null, "http://127.0.0.1:8080/ui/tasks/x", "127.0.0.1:8080", false)).isTrue();
    assertThat(Origins.sameOrigin(null, "http://evil.example/ui/", "127.0.0.1:8080", false)).isFalse();
  }

  @Test
  void theOriginWinsOverTheReferer() {
    assertThat(Origins.sameOrigin("http://evil.example", "http://127.0.0.1:8080/ui/", "127.0.0.1:8080", false)).isFalse();
  }

  @Test
  void aPostThatSaysNothingOfWhereItComesFromIsRefused() {
    assertThat(Origins.sameOrigin(null, null, "127.0.0.1:8080", false)).isFalse();
    assertThat(Origins.sameOrigin("null", null, "127.0.0.1:8080", false)).isFalse();
    assertThat(Origins.sameOrigin("http://127.0.0.1:8080", null, null, false)).isFalse();
    assertThat(Origins.sameOrigin("not a url at all", null, "127.0.0.1:8080", false)).isFalse();
    assertThat(Origins.sameOrigin("file:///etc/passwd", null, "127.0.0.1:8080", false)).isFalse();
  }

  @Test
  void anHttpsPortAcceptsOnlyHttpsOriginsWhileAPlainPortBehindAProxyAcceptsBoth() {
    assertThat(Origins.sameOrigin("http://taskgrid.example.com:8443", null, "taskgrid.example.com:8443", true)).isFalse();
    assertThat(Origins.sameOrigin("https://taskgrid.example.com", null, "taskgrid.example.com", false)).isTrue();
  }
}
