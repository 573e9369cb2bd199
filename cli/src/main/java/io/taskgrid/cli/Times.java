package io.taskgrid.cli;

import java.time.Duration;
import java.time.Instant;

/** Times for people: "3m ago", "in 12s"; durations as "150ms", "2.5s", "1m30s". */
final class Times {
  private Times() {}

  /** {@code t} relative to {@code now}, to the largest whole unit (two units below a day). */
  static String relative(Instant t, Instant now) {
    Duration d = Duration.between(now, t);
    boolean future = !d.isNegative();
    Duration abs = d.abs();
    if (abs.toMillis() < 1000) return "now";
    String amount = coarse(abs);
    return future ? "in " + amount : amount + " ago";
  }

  /** 12s, 3m, 3m20s is too fine for "ago": minutes and seconds below 10m, else two units at most. */
  static String coarse(Duration d) {
    long s = d.toSeconds();
    if (s < 60) return s + "s";
    long m = s / 60;
    if (m < 10) return s % 60 == 0 ? m + "m" : m + "m" + s % 60 + "s";
    if (m < 60) return m + "m";
    long h = m / 60;
    if (h < 24) return m % 60 == 0 ? h + "h" : h + "h" + m % 60 + "m";
    long days = h / 24;
    return h % 24 == 0 || days >= 10 ? days + "d" : days + "d" + h % 24 + "h";
  }

  /** A measured duration: 150ms, 2.5s, 1m30s, 2h; one above zero but below a millisecond is "<1ms", not "0ms". */
  static String compact(Duration d) {
    long ms = d.toMillis();
    if (ms == 0 && d.isPositive()) return "<1ms";
    if (ms < 1000) return ms + "ms";
    if (ms < 10_000) {
      long tenths = Math.round(ms / 100.0);
      return tenths % 10 == 0 ? tenths / 10 + "s" : tenths / 10 + "." + tenths % 10 + "s";
    }
    return coarse(d);
  }
}
