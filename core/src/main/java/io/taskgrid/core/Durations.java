package io.taskgrid.core;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place durations written by people are parsed: {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 2h}, {@code 1d}, combinations such as {@code 1h30m}, ISO-8601 ({@code PT5M}), and the
 * phrase form {@code in 5 minutes}.
 */
public final class Durations {
  private static final Pattern COMPACT = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern PHRASE =
      Pattern.compile("(?:in\\s+)?(\\d+)\\s*(milliseconds?|millis|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?)");

  private Durations() {}

  /**
   * Parses {@code text}; a malformed value is an {@link InvalidArgumentException} naming {@code
   * field}.
   */
  public static Duration parse(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidArgumentException(field, "must be a duration such as 500ms, 30s, 5m, 2h or 1d, got an empty value");
    }
    String s = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("p")) {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      }
      Matcher phrase = PHRASE.matcher(s);
      if (phrase.matches()) {
        return unit(Long.parseLong(phrase.group(1)), phrase.group(2));
      }
      Matcher m = COMPACT.matcher(s);
      Duration total = Duration.ZERO;
      int end = 0;
      while (m.find() && m.start() == end) {
        total = total.plus(unit(Long.parseLong(m.group(1)), m.group(2)));
        end = m.end();
      }
      if (end == s.length() && end > 0) {
        return total;
      }
    } catch (RuntimeException e) {
      // fall through to the message below: overflow and ISO errors read the same to a user
    }
    throw new InvalidArgumentException(
        field, "must be a duration such as 500ms, 30s, 5m, 2h, 1d or \"in 5 minutes\", got " + InvalidArgumentException.quote(text));
  }

  private static Duration unit(long n, String unit) {
    return switch (unit) {
      case "ms", "millisecond", "milliseconds", "millis" -> Duration.ofMillis(n);
      case "s", "second", "seconds", "sec", "secs" -> Duration.ofSeconds(n);
      case "m", "minute", "minutes", "min", "mins" -> Duration.ofMinutes(n);
      case "h", "hour", "hours", "hr", "hrs" -> Duration.ofHours(n);
      case "d", "day", "days" -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException(unit);
    };
  }

  /** A short human form: {@code 1500ms}, {@code 30s}, {@code -5s}, {@code 2h}. */
  public static String format(Duration d) {
    long ms;
    try {
      ms = d.toMillis();
    } catch (ArithmeticException beyondMillis) {
      // beyond ±292 million years: a message about such a value must still be written
      return d.getSeconds() + "s";
    }
    if (ms % 86_400_000 == 0 && ms != 0) return ms / 86_400_000 + "d";
    if (ms % 3_600_000 == 0 && ms != 0) return ms / 3_600_000 + "h";
    if (ms % 60_000 == 0 && ms != 0) return ms / 60_000 + "m";
    if (ms % 1000 == 0) return ms / 1000 + "s";
    return ms + "ms";
  }
}
