package io.taskgrid.coordinator.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SessionCookieTest {

  @Test
  void theCookieIsHttpOnlyStrictAndLimitedToTheDashboard() {
    String cookie = SessionCookie.set("tg_key_123", false);

    assertThat(cookie).startsWith("taskgrid_session=").contains("; Path=/ui", "; HttpOnly", "; SameSite=Strict").doesNotContain("Secure")
        .doesNotContain("tg_key_123").doesNotContain("Max-Age").doesNotContain("Expires");
  }

  @Test
  void theCookieIsSecureOnHttps() {
    assertThat(SessionCookie.set("k", true)).endsWith("; Secure");
    assertThat(SessionCookie.clear(true)).endsWith("; Secure");
  }

  @Test
  void signingOutExpiresTheCookieAtOnceWithTheSameAttributes() {
    assertThat(SessionCookie.clear(false)).isEqualTo("taskgrid_session=; Max-Age=0; Path=/ui; HttpOnly; SameSite=Strict");
  }

  @Test
  void theTokenComesBackFromTheCookieHeaderWhateverItsCharacters() {
    String token = "key with spaces; commas, \"quotes\" = and ünïcode";
    String value = SessionCookie.set(token, false).split(";", 2)[0];

    assertThat(SessionCookie.token(List.of("theme=dark; " + value + "; other=1"))).contains(token);
    assertThat(SessionCookie.token(List.of("theme=dark", value))).contains(token);
  }

  @Test
  void aMissingEmptyOrForgedCookieIsNoToken() {
    assertThat(SessionCookie.token(null)).isEmpty();
    assertThat(SessionCookie.token(List.of("theme=dark"))).isEmpty();
    assertThat(SessionCookie.token(List.of("taskgrid_session="))).isEmpty();
    assertThat(SessionCookie.token(List.of("taskgrid_session=***not base64***"))).isEmpty();
    assertThat(SessionCookie.token(List.of("taskgrid_session=" + "A".repeat(10_000)))).isEmpty();
    assertThat(SessionCookie.token(List.of("xtaskgrid_session=YWJj"))).isEmpty();
  }
}
