package io.taskgrid.core.task;

import io.taskgrid.core.Durations;
import io.taskgrid.core.HandlerName;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.Payload;
import io.taskgrid.core.Priority;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.TimeBounds;
import io.taskgrid.core.schedule.MisfirePolicy;
import io.taskgrid.core.schedule.Schedule;
import io.taskgrid.core.schedule.Schedules;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A task definition as written by a person or a client, before validation: the common input of
 * the API, the SDK and the tasks file. {@link #validate} turns it into a {@link TaskDefinition} or
 * names the first bad field (relative names such as {@code trigger.cron}; callers prefix them).
 * Null means "not given" everywhere.
 *
 * @param misfirePolicy {@code skip}, {@code fire_once} or {@code catch_up}; null: fire_once
 * @param catchUpWindow for catch_up, how far back missed fires still run; null: 1 hour
 */
public record TaskDraft(
    String id,
    String name,
    String description,
    String handler,
    Payload payload,
    String cron,
    String after,
    String at,
    String event,
    String timeZone,
    Boolean enabled,
    List<String> tags,
    String category,
    Map<String, String> metadata,
    String misfirePolicy,
    Duration catchUpWindow,
    Duration jitter,
    Duration timeout,
    Priority priority) {

  public static final int MAX_NAME = 200;
  public static final int MAX_DESCRIPTION = 2000;
  public static final int MAX_TAGS = 32;
  public static final Duration DEFAULT_CATCH_UP_WINDOW = Duration.ofHours(1);
  public static final Duration MAX_CATCH_UP_WINDOW = Duration.ofDays(31);
  public static final Duration MAX_JITTER = Duration.ofHours(1);
  private static final MisfirePolicy SKIP = new MisfirePolicy.Skip();
  private static final MisfirePolicy FIRE_ONCE = new MisfirePolicy.FireOnce();
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,62}");

  /** An empty draft with only the id and handler, for builders. */
  public static TaskDraft of(String id, String handler) {
    return new TaskDraft(id, null, null, handler, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /**
   * Checks every field. {@code defaultZone} reads a local {@code at} when no zone is given. Whether
   * an {@code at} lies in the past is checked where a task is registered ({@link
   * TaskDefinition#requireFuture}): registering the same one-off again after it ran is a no-op,
   * not an error.
   */
  public TaskDefinition validate(SubmissionLimits limits, ZoneId defaultZone) {
    TaskId taskId = TaskId.parse("id", id);
    String shownName = name == null || name.isEmpty() || name.equals(taskId.value()) ? taskId.value() : name;
    if (shownName.length() > MAX_NAME) {
      throw new InvalidArgumentException("name", "must be at most " + MAX_NAME + " characters, got " + shownName.length());
    }
    String text = description == null || description.isEmpty() ? "" : description;
    if (text.length() > MAX_DESCRIPTION) {
      throw new InvalidArgumentException("description", "must be at most " + MAX_DESCRIPTION + " characters, got " + text.length());
    }
    // interned only once valid: a request must not fill the string table with junk
    HandlerName handlerName = new HandlerName(new HandlerName(handler).value().intern());
    Payload body = (payload == null || payload.equals(Payload.EMPTY) ? Payload.EMPTY : payload).requireAtMost("payload", limits.maxPayloadBytes());
    Optional<ZoneId> zone =
        timeZone == null || timeZone.isEmpty() ? Optional.empty() : Optional.of(Schedules.zone("time_zone", timeZone));
    Trigger trigger = trigger(zone.orElse(defaultZone));
    TreeSet<String> tagSet = new TreeSet<>();
    List<String> given = tags == null ? List.of() : tags;
    if (given.size() > MAX_TAGS) {
      throw new InvalidArgumentException("tags", "at most " + MAX_TAGS + " tags are allowed, got " + given.size());
    }
    for (int i = 0; i < given.size(); i++) {
      tagSet.add(tag("tags[" + i + "]", given.get(i)));
    }
    String cat = category == null || category.isEmpty() ? "" : tag("category", category);
    MisfirePolicy policy = misfire();
    Duration jitterValue = jitter == null ? Duration.ZERO : jitter;
    if (jitterValue.isNegative() || jitterValue.compareTo(MAX_JITTER) > 0) {
      throw new InvalidArgumentException("jitter", "must be between 0 and " + Durations.format(MAX_JITTER) + ", got " + Durations.format(jitterValue));
    }
    Optional<Duration> limit = Optional.empty();
    if (timeout != null && !timeout.isZero()) {
      if (timeout.isNegative() || timeout.compareTo(limits.maxTimeout()) > 0) {
        throw new InvalidArgumentException(
            "timeout", "must be between 0 and " + Durations.format(limits.maxTimeout()) + ", got " + Durations.format(timeout));
      }
      limit = Optional.of(timeout);
    }
    return new TaskDefinition(
        taskId,
        shownName,
        text,
        handlerName,
        body,
        trigger,
        zone,
        enabled == null || enabled,
        tagSet,
        cat,
        TaskDefinition.metadata(metadata),
        policy,
        jitterValue,
        limit,
        priority == null ? Priority.MEDIUM : priority,
        io.taskgrid.core.policy.ExecutionPolicy.NONE,
        Optional.empty(),
        Preconditions.NONE);
  }

  private Trigger trigger(ZoneId zone) {
    List<String> given = new ArrayList<>();
    if (cron != null) given.add("cron");
    if (after != null) given.add("after");
    if (at != null) given.add("at");
    if (event != null) given.add("event");
    if (given.size() > 1) {
      throw new InvalidArgumentException("trigger", "set only one of cron, after, at and event, got " + String.join(", ", given));
    }
    if (cron != null) {
      Schedule compiled = Schedules.parse("trigger.cron", cron, zone, Instant.EPOCH);
      return new Trigger.Cron(cron.trim().intern(), compiled);
    }
    if (after != null) {
      // stored and shown to the millisecond (Durations.format): a finer part would not survive a round trip
      Duration delay = TimeBounds.require("trigger.after", Durations.parse("trigger.after", after)).truncatedTo(ChronoUnit.MILLIS);
      if (delay.isNegative() || delay.isZero()) {
        throw new InvalidArgumentException("trigger.after", "must be positive, got " + InvalidArgumentException.quote(after));
      }
      return new Trigger.After(delay);
    }
    if (at != null) {
      return new Trigger.At(instant("trigger.at", at, zone));
    }
    if (event != null) {
      return new Trigger.OnEvent(EventPattern.parse("trigger.event", event));
    }
    return new Trigger.OnDemand();
  }

  private MisfirePolicy misfire() {
    String policy = misfirePolicy == null || misfirePolicy.isEmpty() ? "fire_once" : misfirePolicy.trim().toLowerCase(java.util.Locale.ROOT);
    Duration window = catchUpWindow == null || catchUpWindow.isZero() ? DEFAULT_CATCH_UP_WINDOW : catchUpWindow;
    if (catchUpWindow != null && !catchUpWindow.isZero() && !policy.equals("catch_up")) {
      throw new InvalidArgumentException("catch_up_window", "applies only to misfire_policy catch_up, got policy " + policy);
    }
    return switch (policy) {
      case "skip" -> SKIP;
      case "fire_once" -> FIRE_ONCE;
      case "catch_up" -> {
        if (window.isNegative() || window.compareTo(MAX_CATCH_UP_WINDOW) > 0) {
          throw new InvalidArgumentException(
              "catch_up_window", "must be between 0 and " + Durations.format(MAX_CATCH_UP_WINDOW) + ", got " + Durations.format(window));
        }
        if (window.getNano() % 1_000_000 != 0) {
          throw new InvalidArgumentException("catch_up_window", "must be a whole number of milliseconds, got " + window);
        }
        yield new MisfirePolicy.CatchUp(window);
      }
      default -> throw new InvalidArgumentException(
          "misfire_policy", "must be skip, fire_once or catch_up, got " + InvalidArgumentException.quote(misfirePolicy));
    };
  }

  private static String tag(String field, String value) {
    if (value == null || !TAG.matcher(value).matches()) {
      throw new InvalidArgumentException(
          field, "must be 1 to 63 letters, digits or . _ - : /, starting with a letter or digit, got " + InvalidArgumentException.quote(value));
    }
    return value;
  }

  /**
   * Reads an {@code at} time: an instant with an offset, or a local date-time in {@code zone}. A
   * local time skipped by a daylight-saving jump means the first valid instant after the gap; one
   * that occurs twice means its first occurrence (the rules cron schedules follow).
   */
  public static Instant instant(String field, String text, ZoneId zone) {
    return TimeBounds.require(field, parseInstant(field, text, zone));
  }

  private static Instant parseInstant(String field, String text, ZoneId zone) {
    String s = text.trim();
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeException notOffset) {
      try {
        return Instant.parse(s);
      } catch (DateTimeException notInstant) {
        try {
          return Schedules.toInstant(LocalDateTime.parse(s), zone);
        } catch (DateTimeException notLocal) {
          throw new InvalidArgumentException(
              field,
              "must be an ISO date-time such as 2026-12-24T18:00 (in the task's time zone) or 2026-12-24T17:00:00Z, got "
                  + InvalidArgumentException.quote(text));
        }
      }
    }
  }
}
