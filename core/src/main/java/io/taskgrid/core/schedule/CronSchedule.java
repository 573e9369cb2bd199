package io.taskgrid.core.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A cron expression read in a time zone: it fires when the zone's wall clock matches. Built by
 * {@link Schedules#parse}; holds only the shared compiled pattern, its text and the zone.
 *
 * <p>Daylight-saving rules depend on the {@link Kind} of the expression, read from its hour field:
 *
 * <ul>
 *   <li>{@link Kind#FIXED_TIME} (the hour field names hours: {@code 30 1 * * *}, {@code 0 2,14 * *
 *       *}, {@code 0 9-17 * * 1-5}): a matching local time that does not exist (spring-forward gap)
 *       fires once, at the first instant after the gap, together with every other match inside the
 *       same gap and a match at the gap's end. A matching local time that happens twice (fall-back
 *       overlap) fires once, at its first occurrence; nothing fires during the repeated hour's
 *       second pass. A daily job runs once a day, whatever the clocks do.
 *   <li>{@link Kind#INTERVAL} (the hour field is {@code *} or one step over the whole day: {@code
 *       *}/n, {@code 1/2}, {@code 0-23/3}; see {@link CronCompiler#intervalHours}): the schedule
 *       follows real time. A local time that does not
 *       exist is not a fire time; a local time that happens twice fires at each occurrence. Every
 *       fire is at a local time that matches, and no instant fires twice.
 * </ul>
 *
 * <p>Fire times are computed for local years 1 to 9999.
 */
public final class CronSchedule implements Schedule {
  static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");

  /** How an expression behaves when the zone's clocks change. */
  public enum Kind {
    /** The hour field names hours: gap times fire once after the gap, repeated times once. */
    FIXED_TIME,
    /** The hour field is {@code *} or a step over the whole day: real time, no wall-clock repair. */
    INTERVAL
  }

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

  /** Whether this expression keeps fixed wall-clock times or follows real time across DST. */
  public Kind kind() {
    return pattern.interval() ? Kind.INTERVAL : Kind.FIXED_TIME;
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
    return pattern.interval() ? nextInRealTime(rules, from, local, start) : nextOnWallClock(rules, from, local, start);
  }

  private Optional<Instant> nextOnWallClock(ZoneRules rules, Instant from, LocalDateTime local, LocalDateTime start) {
    ZoneOffsetTransition overlap = secondPassOf(rules, from, local);
    if (overlap != null) {
      // every local time up to the overlap's end already fired in the first pass
      start = overlap.getDateTimeBefore();
    }
    return pattern.ceiling(start).map(t -> toInstant(rules, t));
  }

  /**
   * Local matches are searched in wall-clock order, which is instant order except across an
   * overlap: from inside its first pass, the rest of the first pass comes first, then the whole
   * second pass (whose local times start over at the overlap's beginning).
   */
  private Optional<Instant> nextInRealTime(ZoneRules rules, Instant from, LocalDateTime local, LocalDateTime start) {
    ZoneOffsetTransition overlap = firstPassOf(rules, from, local);
    if (overlap != null) {
      Optional<LocalDateTime> rest = pattern.ceiling(start);
      if (rest.isPresent() && rest.get().isBefore(overlap.getDateTimeBefore())) {
        return Optional.of(rest.get().toInstant(overlap.getOffsetBefore()));
      }
      start = overlap.getDateTimeAfter();
    }
    while (true) {
      Optional<LocalDateTime> match = pattern.ceiling(start);
      if (match.isEmpty()) {
        return Optional.empty();
      }
      LocalDateTime t = match.get();
      List<ZoneOffset> offsets = rules.getValidOffsets(t);
      if (offsets.isEmpty()) {
        start = rules.getTransition(t).getDateTimeAfter(); // no local time in a gap exists
        continue;
      }
      Instant earliest = null;
      for (ZoneOffset offset : offsets) {
        Instant candidate = t.toInstant(offset);
        if (candidate.isAfter(from) && (earliest == null || candidate.isBefore(earliest))) {
          earliest = candidate;
        }
      }
      if (earliest != null) {
        return Optional.of(earliest);
      }
      start = t.plusSeconds(1);
    }
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
    return pattern.interval() ? previousInRealTime(rules, to, local, end) : previousOnWallClock(rules, to, local, end);
  }

  private Optional<Instant> previousOnWallClock(ZoneRules rules, Instant to, LocalDateTime local, LocalDateTime end) {
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

  /** The mirror of {@link #nextInRealTime}: from inside a second pass, its start, then the first pass. */
  private Optional<Instant> previousInRealTime(ZoneRules rules, Instant to, LocalDateTime local, LocalDateTime end) {
    ZoneOffsetTransition overlap = secondPassOf(rules, to, local);
    if (overlap != null) {
      Optional<LocalDateTime> rest = pattern.floor(end);
      if (rest.isPresent() && !rest.get().isBefore(overlap.getDateTimeAfter())) {
        return Optional.of(rest.get().toInstant(overlap.getOffsetAfter()));
      }
      end = overlap.getDateTimeBefore().minusSeconds(1);
    }
    while (true) {
      Optional<LocalDateTime> match = pattern.floor(end);
      if (match.isEmpty()) {
        return Optional.empty();
      }
      LocalDateTime t = match.get();
      List<ZoneOffset> offsets = rules.getValidOffsets(t);
      if (offsets.isEmpty()) {
        end = rules.getTransition(t).getDateTimeBefore().minusSeconds(1);
        continue;
      }
      Instant latest = null;
      for (ZoneOffset offset : offsets) {
        Instant candidate = t.toInstant(offset);
        if (candidate.isBefore(to) && (latest == null || candidate.isAfter(latest))) {
          latest = candidate;
        }
      }
      if (latest != null) {
        return Optional.of(latest);
      }
      end = t.minusSeconds(1);
    }
  }

  /** The overlap whose second pass holds {@code instant}, or null. */
  private static ZoneOffsetTransition secondPassOf(ZoneRules rules, Instant instant, LocalDateTime local) {
    return overlapHolding(rules, instant, local, false);
  }

  /** The overlap whose first pass holds {@code instant}, or null. */
  private static ZoneOffsetTransition firstPassOf(ZoneRules rules, Instant instant, LocalDateTime local) {
    return overlapHolding(rules, instant, local, true);
  }

  /** The overlap {@code local} lies in, if {@code instant} is in its first (or else second) pass; or null. */
  private static ZoneOffsetTransition overlapHolding(ZoneRules rules, Instant instant, LocalDateTime local, boolean firstPass) {
    if (rules.isFixedOffset()) {
      return null;
    }
    ZoneOffsetTransition transition = rules.getTransition(local);
    if (transition == null || !transition.isOverlap()) {
      return null;
    }
    ZoneOffset pass = firstPass ? transition.getOffsetBefore() : transition.getOffsetAfter();
    return rules.getOffset(instant).equals(pass) ? transition : null;
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
