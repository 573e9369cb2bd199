package io.taskgrid.core.schedule;

import static io.taskgrid.core.InvalidArgumentException.quote;

import io.taskgrid.core.Durations;
import io.taskgrid.core.InvalidArgumentException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** Reads schedules and time zones as people write them. */
public final class Schedules {
  private static final Map<String, String> PRESETS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");
  private static final String EVERY = "@every";
  private static final String HOW =
      "a cron expression such as \"*/5 * * * *\", a preset (@yearly, @annually, @monthly, @weekly, @daily,"
          + " @midnight, @hourly) or @every <duration>";

  /** Lower-case zone id to its canonical spelling, for every id the JDK's tz database knows. */
  private static final Map<String, String> ZONE_IDS = zoneIds();
  /** One ZoneId per id, so a million schedules in one zone share one object; bounded by ZONE_IDS. */
  private static final Map<String, ZoneId> ZONES = new ConcurrentHashMap<>();

  private Schedules() {}

  /**
   * Parses a 5-field ({@code min hour dom month dow}) or 6-field ({@code sec min hour dom month
   * dow}) cron expression read in {@code zone}, a preset ({@code @yearly}, {@code @annually},
   * {@code @monthly}, {@code @weekly}, {@code @daily}, {@code @midnight}, {@code @hourly}) or
   * {@code @every <duration>} ({@link Durations} syntax, at least 1s), which fires at {@code anchor
   * + k * interval} for k ≥ 1 and ignores the zone. {@code anchor} may be null for the others.
   *
   * @throws InvalidArgumentException naming {@code field}, the cron sub-field and the bad value
   */
  public static Schedule parse(String field, String expression, ZoneId zone, Instant anchor) {
    Objects.requireNonNull(zone, "zone");
    if (expression == null || expression.isBlank()) {
      throw new InvalidArgumentException(field, "must be " + HOW + ", got " + quote(expression));
    }
    String text = expression.strip();
    if (!text.startsWith("@")) {
      CronPattern pattern = CronCompiler.compile(field, text);
      return new CronSchedule(pattern.text(), pattern, zone);
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.equals(EVERY) || lower.startsWith(EVERY + " ") || lower.startsWith(EVERY + "\t")) {
      Objects.requireNonNull(anchor, "anchor is required for @every");
      return new EverySchedule(interval(field, text.substring(EVERY.length()).strip()), anchor);
    }
    String preset = PRESETS.get(lower);
    if (preset == null) {
      throw new InvalidArgumentException(
          field,
          "unknown preset "
              + quote(text)
              + "; use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>");
    }
    return new CronSchedule(lower.intern(), CronCompiler.compile(field, preset), zone);
  }

  private static Duration interval(String field, String text) {
    Duration interval;
    try {
      interval = Durations.parse(field, text);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException(
          field, "@every needs a duration such as 90s, 5m or 1h30m, got " + quote(text));
    }
    if (interval.compareTo(EverySchedule.MINIMUM) < 0) {
      throw new InvalidArgumentException(field, "@every interval must be at least 1s, got " + quote(text));
    }
    return interval;
  }

  /**
   * An IANA time zone name such as {@code Europe/London}, {@code UTC} or {@code Asia/Kolkata}, in
   * any letter case; any id in {@link ZoneId#getAvailableZoneIds()} is accepted. Raw offsets
   * ({@code +05:00}, {@code UTC+5}, {@code Z}) are rejected on purpose: a fixed offset silently
   * ignores daylight saving, so a task written as {@code +01:00} for Paris would run an hour off for
   * half the year. Name the region instead (or {@code Etc/GMT-5} for a truly fixed UTC+5).
   *
   * @throws InvalidArgumentException naming {@code field} and the value
   */
  public static ZoneId zone(String field, String name) {
    String id = name == null ? null : ZONE_IDS.get(name.strip().toLowerCase(Locale.ROOT));
    if (id == null) {
      throw new InvalidArgumentException(
          field,
          "must be a time zone name such as Europe/London, UTC or Asia/Kolkata, got "
              + quote(name)
              + (looksLikeOffset(name) ? " (fixed offsets ignore daylight saving: name the region instead)" : ""));
    }
    return ZONES.computeIfAbsent(id, ZoneId::of);
  }

  private static boolean looksLikeOffset(String name) {
    return name != null && name.strip().matches("(?i)(Z|(UTC|GMT|UT)?\\s*[+-]\\d{1,2}(:?\\d{2})?)");
  }

  private static Map<String, String> zoneIds() {
    Map<String, String> ids = new HashMap<>();
    for (String id : ZoneId.getAvailableZoneIds()) {
      ids.put(id.toLowerCase(Locale.ROOT), id);
    }
    return Map.copyOf(ids);
  }

  /**
   * The instant a wall-clock time in {@code zone} stands for, by Taskgrid's daylight-saving rules:
   * a time inside a spring-forward gap is the first instant after the gap; a time inside a
   * fall-back overlap is its first occurrence. Cron fires and local {@code at} times both use it.
   */
  public static Instant toInstant(java.time.LocalDateTime local, ZoneId zone) {
    return CronSchedule.toInstant(zone.getRules(), local);
  }
}
