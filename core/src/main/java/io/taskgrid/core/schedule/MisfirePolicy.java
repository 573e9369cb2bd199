package io.taskgrid.core.schedule;

import static io.taskgrid.core.InvalidArgumentException.quote;

import io.taskgrid.core.Durations;
import io.taskgrid.core.InvalidArgumentException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What to do with fire times missed by more than the grace period (the scheduler was down, or the
 * task was paused). Written as {@code skip}, {@code fire_once}, {@code catch_up} (window {@link
 * CatchUp#DEFAULT_WINDOW}) or {@code catch_up:<window>} such as {@code catch_up:2h}; letter case and
 * spaces around the words do not matter. {@link #text()} gives the canonical form, which parses back
 * to an equal policy.
 */
public sealed interface MisfirePolicy {
  /** Drop missed fires; wait for the next one. */
  record Skip() implements MisfirePolicy {
    @Override
    public String text() {
      return "skip";
    }
  }

  /** Run once for all missed fires, as of the latest one. */
  record FireOnce() implements MisfirePolicy {
    @Override
    public String text() {
      return "fire_once";
    }
  }

  /** Run every missed fire that is at most {@code window} late; drop older ones. */
  record CatchUp(Duration window) implements MisfirePolicy {
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);

    public CatchUp {
      Objects.requireNonNull(window, "window");
      if (window.isNegative() || window.isZero() || window.getNano() % 1_000_000 != 0) {
        throw new IllegalArgumentException("window must be a positive whole number of milliseconds, got " + window);
      }
    }

    @Override
    public String text() {
      return "catch_up:" + Durations.format(window);
    }
  }

  /** The canonical text, which {@link #parse} reads back to an equal policy. */
  String text();

  /**
   * Reads {@code skip}, {@code fire_once}, {@code catch_up} or {@code catch_up:<window>}.
   *
   * @throws InvalidArgumentException naming {@code field} and the value
   */
  static MisfirePolicy parse(String field, String text) {
    String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    int colon = s.indexOf(':');
    String name = colon < 0 ? s : s.substring(0, colon).strip();
    switch (name) {
      case "skip", "fire_once" -> {
        if (colon < 0) {
          return name.equals("skip") ? new Skip() : new FireOnce();
        }
      }
      case "catch_up" -> {
        if (colon < 0) {
          return new CatchUp(CatchUp.DEFAULT_WINDOW);
        }
        String window = s.substring(colon + 1).strip();
        Duration d;
        try {
          d = Durations.parse(field, window);
        } catch (InvalidArgumentException e) {
          throw new InvalidArgumentException(
              field, "catch_up window must be a duration such as 30m or 2h, got " + quote(text));
        }
        if (d.isNegative() || d.isZero() || d.getNano() % 1_000_000 != 0) {
          throw new InvalidArgumentException(
              field, "catch_up window must be positive, in whole milliseconds, got " + quote(text));
        }
        return new CatchUp(d);
      }
      default -> {}
    }
    throw new InvalidArgumentException(
        field, "must be skip, fire_once, catch_up or catch_up:<window> such as catch_up:2h, got " + quote(text));
  }
}
