package io.taskgrid.coordinator.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.taskgrid.proto.v1.ListTasksResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginPagesTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void theHeaderNamesWhoIsSignedInAndOffersToSignOutOfASession() {
    String html = new Pages(NOW, new Pages.Viewer("ops-<team>", "operator", true, true)).tasks(new Reply.Ok<>(ListTasksResponse.getDefaultInstance()), false).html();

    assertThat(html).contains("<span id=\"whoami\" class=\"whoami\">signed in as ops-&lt;team&gt; (operator)</span>")
        .contains("<form class=\"logout\" method=\"post\" action=\"/ui/logout\">");
  }

  @Test
  void aClientCertificateIdentityHasNoSignOutButton() {
    String html = new Pages(NOW, new Pages.Viewer("worker-7", "viewer", true, false)).error(404, "Not found", "x").html();

    assertThat(html).contains("signed in as worker-7 (viewer)").doesNotContain("/ui/logout");
  }

  @Test
  void theHeaderSaysWhenAuthenticationIsOff() {
    String html = new Pages(NOW, new Pages.Viewer("anonymous", "admin", false, false)).error(404, "Not found", "x").html();

    assertThat(html).contains(">authentication is off</span>").doesNotContain("signed in as");
  }

  @Test
  void theLoginFormPostsTheTokenBackToItselfWithWhereToGoNext() {
    String html = new Pages(NOW).login(401, "/ui/tasks/a\"b", "Not signed in: unknown API key").html();

    assertThat(html).contains("<form class=\"login\" method=\"post\" action=\"/ui/login\">")
        .contains("<input type=\"hidden\" name=\"back\" value=\"/ui/tasks/a&quot;b\">")
        .contains("type=\"password\" name=\"token\"")
        .contains("<p class=\"error\" id=\"message\">Not signed in: unknown API key</p>");
  }

  @Test
  void theLoginPageOfACoordinatorWithoutAuthenticationSaysThereIsNothingToSignInTo() {
    String html = new Pages(NOW, new Pages.Viewer("anonymous", "admin", false, false)).login(200, "/ui/", "").html();

    assertThat(html).contains("Authentication is off on this coordinator").doesNotContain("name=\"token\"");
  }

  @Test
  void aDeniedOrUnauthenticatedListSaysSoWithItsStatus() {
    Pages pages = new Pages(NOW);

    assertThat(pages.tasks(new Reply.Failed<>(Status.Code.PERMISSION_DENIED, "viewer may not list tasks"), false).status()).isEqualTo(403);
    assertThat(pages.tasks(new Reply.Failed<>(Status.Code.UNAUTHENTICATED, "no credentials"), false).status()).isEqualTo(401);
  }

  @Test
  void theWayBackAfterSigningInStaysOnTheDashboard() {
    assertThat(Dashboard.loginPath("/ui/executions?task=a b")).isEqualTo("/ui/login?back=%2Fui%2Fexecutions%3Ftask%3Da%20b");
    assertThat(Dashboard.loginPath("https://evil.example/")).isEqualTo("/ui/login");
    assertThat(Dashboard.loginPath("//evil.example/ui/")).isEqualTo("/ui/login");
    assertThat(Dashboard.loginPath(null)).isEqualTo("/ui/login");
  }
}
