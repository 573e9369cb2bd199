package io.taskgrid.coordinator.internal.dashboard;

import java.net.URI;
import java.util.Locale;

/**
 * The dashboard's defence against cross-site requests: a state-changing POST (pause, resume, run,
 * cancel, sign in, sign out) is served only when the browser says it comes from a page of the
 * dashboard itself. Browsers send {@code Origin} on every POST; {@code Referer} is the fallback
 * when a privacy setting strips it; a POST with neither is refused, as no form of ours sends that.
 * Together with the session cookie's {@code SameSite=Strict}.
 */
final class Origins {
  private Origins() {}

  /**
   * Whether {@code origin} (or, when absent, {@code referer}) names the host the request was sent
   * to ({@code host}, the {@code Host} header). On HTTPS the origin must be {@code https}; on plain
   * HTTP either scheme (a proxy may end TLS in front of the coordinator).
   */
  static boolean sameOrigin(String origin, String referer, String host, boolean https) {
    if (host == null || host.isBlank()) return false;
    String claimed = origin != null ? origin : referer;
    if (claimed == null || claimed.equals("null")) return false;
    try {
      URI uri = new URI(claimed.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || (!https && scheme.equals("http")))) return false;
      if (uri.getHost() == null) return false;
      int defaultPort = scheme.equals("https") ? 443 : 80;
      int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
      return authority(uri.getHost(), port, defaultPort).equalsIgnoreCase(normalized(host.strip(), defaultPort));
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static String authority(String hostName, int port, int defaultPort) {
    return port == defaultPort ? hostName : hostName + ":" + port;
  }

  /** {@code Host: name:443} and {@code Host: name} are the same host for https. */
  private static String normalized(String host, int defaultPort) {
    if (host.endsWith(":" + defaultPort)) return host.substring(0, host.length() - (":" + defaultPort).length());
    return host;
  }
}
