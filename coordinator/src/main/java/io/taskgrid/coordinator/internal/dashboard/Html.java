package io.taskgrid.coordinator.internal.dashboard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Markup under construction. Everything that comes from data (ids, labels, payloads, errors: user
 * input) goes through {@link #text} or a {@link #fmt} argument, which escape it; only the
 * dashboard's own markup goes through {@link #raw}.
 */
final class Html {
  private final StringBuilder out = new StringBuilder(4096);

  /** Markup written by the dashboard itself, never data. */
  Html raw(String markup) {
    out.append(markup);
    return this;
  }

  /** Data, escaped (safe in element content and in quoted attribute values). */
  Html text(Object value) {
    out.append(escape(value == null ? "" : value.toString()));
    return this;
  }

  /**
   * The template with each {@code {}} replaced by the next argument, escaped. Arguments that are
   * {@link Html} are inserted as they are (markup already built this way).
   */
  Html fmt(String template, Object... args) {
    int arg = 0;
    int from = 0;
    for (int at = template.indexOf("{}"); at >= 0; at = template.indexOf("{}", from)) {
      if (arg >= args.length) throw new IllegalArgumentException("more {} than arguments in: " + template);
      out.append(template, from, at);
      Object a = args[arg++];
      if (a instanceof Html h) out.append(h.out);
      else text(a);
      from = at + 2;
    }
    if (arg != args.length) throw new IllegalArgumentException("more arguments than {} in: " + template);
    out.append(template, from, template.length());
    return this;
  }

  /** Escapes the characters that would end a text node or a quoted attribute value. */
  static String escape(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (r == null) {
        if (b != null) b.append(c);
      } else {
        if (b == null) b = new StringBuilder(s.length() + 16).append(s, 0, i);
        b.append(r);
      }
    }
    return b == null ? s : b.toString();
  }

  /** {@code value} as one path segment or query value of a URL (then escaped as a whole by {@link #fmt}). */
  static String url(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
