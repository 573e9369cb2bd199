package io.taskgrid.core.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Objects;
import java.util.Optional;

/**
 * A cron expression read in a time zone: it fires when the zone's wall clock matches. Built by
 * {@link Schedules#parse}; holds only the shared compiled pattern, its text and the zone.
 *
 * <p>Daylight-saving rules: a matching local time that does not exist (spring-forward gap) fires
 * once, at the first instant after the gap, together with every other match inside the same gap
 * and a match at the gap's end. A matching local time that happens twice (fall-back overlap) fires
 * once, at its first occurrence; nothing fires during the repeated hour's second pass.
 *
 * <p>Fire times are computed for local years 1 to 9999.
 */
public final class CronSchedule implements Schedule {
  static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");

  private final String expression;
  private final CronPattern pattern;
  private final ZoneId zone;

  CronSchedule(String expression, CronPattern pattern, ZoneId zone) {
    this.expression = Objects.requireNonNull(expression, "expression");
    this.pattern = Objects.requireNonNull(pattern, "pattern");
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  /** The expression in normal form: single spaces, upper case names, presets in lower case. */
  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }

  @Override
  public Optional<Instant> next(Instant after) {
    if (!after.isBefore(LATEST)) {
      return Optional.empty();
    }
    Instant from = after.isBefore(EARLIEST) ? EARLIEST : after;
    ZoneRules rules = zone.getRules();
    LocalDateTime local = LocalDateTime.ofInstant(from, zone);
    LocalDateTime start = local.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    ZoneOffsetTransition overlap = secondPassOf(rules, from, local);
    if (overlap != null) {
      // every local time up to the overlap's end already fired in the first pass
      start = overlap.getDateTimeBefore();
    }
    return pattern.ceiling(start).map(t -> toInstant(rules, t));
  }

  @Override
  public Optional<Instant> previous(Instant before) {
    if (!before.isAfter(EARLIEST)) {
      return Optional.empty();
    }
    Instant to = before.isAfter(LATEST) ? LATEST : before;
    ZoneRules rules = zone.getRules();
    LocalDateTime local = LocalDateTime.ofInstant(to, zone);
    LocalDateTime end = local.getNano() == 0 ? local.minusSeconds(1) : local.truncatedTo(ChronoUnit.SECONDS);
    ZoneOffsetTransition overlap = secondPassOf(rules, to, local);
    if (overlap != null) {
      // the whole repeated hour fired in its first pass, which is before `before`
      end = overlap.getDateTimeBefore().minusSeconds(1);
    } else if (local.getNano() == 0 && !rules.isFixedOffset()) {
      ZoneOffsetTransition gap = rules.getTransition(local.minusSeconds(1));
      if (gap != null && gap.isGap() && gap.getDateTimeAfter().equals(local)) {
        // `before` is the instant a gap's matches fire at; they are not strictly before it
        end = gap.getDateTimeBefore().minusSeconds(1);
      }
    }
    return pattern.floor(end).map(t -> toInstant(rules, t));
  }

  /** The overlap whose second pass holds {@code instant}, or null. */
  private static ZoneOffsetTransition secondPassOf(ZoneRules rules, Instant instant, LocalDateTime local) {
    if (rules.isFixedOffset()) {
      return null;
    }
    ZoneOffsetTransition transition = rules.getTransition(local);
    if (transition != null
        && transition.isOverlap()
        && rules.getOffset(instant).equals(transition.getOffsetAfter())) {
      return transition;
    }
    return null;
  }

  /** Gap times fire at the end of the gap; overlap times at their first occurrence. */
  static Instant toInstant(ZoneRules rules, LocalDateTime local) {
    if (rules.isFixedOffset()) {
      return local.toInstant(rules.getOffset(local));
    }
    ZoneOffsetTransition transition = rules.getTransition(local);
    if (transition == null) {
      return local.toInstant(rules.getOffset(local));
    }
    return transition.isGap() ? transition.getInstant() : local.toInstant(transition.getOffsetBefore());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CronSchedule other && expression.equals(other.expression) && zone.equals(other.zone);
  }

  @Override
  public int hashCode() {
    return expression.hashCode() * 31 + zone.hashCode();
  }

  @Override
  public String toString() {
    return "CronSchedule[" + expression + " in " + zone + "]";
  }
}
