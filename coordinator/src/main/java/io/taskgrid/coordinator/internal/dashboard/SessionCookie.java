package io.taskgrid.coordinator.internal.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The dashboard's sign-in: the token itself (API key or JWT) in a cookie, so any coordinator
 * behind a load balancer accepts it and nothing is kept on the server. The value is the token's
 * UTF-8 in unpadded base64url (a cookie value cannot hold every character a key may); the cookie
 * is {@code HttpOnly} (no script reads it), {@code SameSite=Strict} (no other site's page sends
 * it), limited to {@code Path=/ui}, {@code Secure} on HTTPS, and lasts until the browser closes.
 */
final class SessionCookie {
  static final String NAME = "taskgrid_session";
  /** Browsers keep cookies of about 4096 bytes; base64 makes a token a third longer. */
  static final int MAX_TOKEN_CHARS = 3000;

  private SessionCookie() {}

  /** The {@code Set-Cookie} value that signs the browser in with {@code token}. */
  static String set(String token, boolean secure) {
    String value = Base64.getUrlEncoder().withoutPadding().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    return NAME + "=" + value + attributes(secure);
  }

  /** The {@code Set-Cookie} value that signs the browser out. */
  static String clear(boolean secure) {
    return NAME + "=; Max-Age=0" + attributes(secure);
  }

  private static String attributes(boolean secure) {
    return "; Path=/ui; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
  }

  /** The token of the session cookie among the request's {@code Cookie} headers; empty when absent or not one of ours. */
  static Optional<String> token(List<String> cookieHeaders) {
    if (cookieHeaders == null) return Optional.empty();
    for (String header : cookieHeaders) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq < 0 || !pair.substring(0, eq).strip().equals(NAME)) continue;
        String value = pair.substring(eq + 1).strip();
        if (value.isEmpty() || value.length() > MAX_TOKEN_CHARS * 4 / 3 + 4) return Optional.empty();
        try {
          String token = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
          return token.isBlank() ? Optional.empty() : Optional.of(token);
        } catch (IllegalArgumentException e) {
          return Optional.empty(); // not a value this dashboard wrote
        }
      }
    }
    return Optional.empty();
  }
}
