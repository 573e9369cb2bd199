package io.taskgrid.core.schedule;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.util.Optional;

/**
 * A compiled cron expression matched against local wall-clock time, with no notion of zones. Each
 * field is a bit set, so matching and searching allocate nothing but the result. Immutable and
 * shared by every schedule written with the same expression.
 *
 * <p>Day rules: {@code L} is the last day of the month, {@code L-n} n days before it, {@code nW}
 * the weekday nearest day n without leaving the month (no fire in months shorter than n), {@code
 * LW} the last weekday; in day-of-week {@code nL} is the last such weekday of the month and {@code
 * n#k} the k-th. When both day fields are restricted (neither {@code *} nor {@code ?}) a day
 * matches if either matches, as in Vixie cron.
 */
final class CronPattern {
  /** Local years searched; outside them there is no fire. */
  static final int MIN_YEAR = 1;
  static final int MAX_YEAR = 9999;

  private final String text;
  private final long seconds;
  private final long minutes;
  private final int hours;
  private final int months;
  private final int domDays;
  private final int domFromEnd; // bit n: the n-th day before the last (bit 0 is L itself)
  private final int domNearestWeekday; // bit n: nW
  private final boolean domLastWeekday; // LW
  private final int dowDays; // bit 0 = Sunday .. bit 6 = Saturday
  private final int dowLast; // bit d: last weekday d of the month
  private final long dowNth; // bit d * 8 + k: k-th weekday d of the month
  private final boolean domAny;
  private final boolean dowAny;
  private final boolean interval;

  CronPattern(
      String text,
      long seconds,
      long minutes,
      int hours,
      int months,
      int domDays,
      int domFromEnd,
      int domNearestWeekday,
      boolean domLastWeekday,
      int dowDays,
      int dowLast,
      long dowNth,
      boolean domAny,
      boolean dowAny,
      boolean interval) {
    this.text = text;
    this.seconds = seconds;
    this.minutes = minutes;
    this.hours = hours;
    this.months = months;
    this.domDays = domDays;
    this.domFromEnd = domFromEnd;
    this.domNearestWeekday = domNearestWeekday;
    this.domLastWeekday = domLastWeekday;
    this.dowDays = dowDays;
    this.dowLast = dowLast;
    this.dowNth = dowNth;
    this.domAny = domAny;
    this.dowAny = dowAny;
    this.interval = interval;
  }

  /**
   * True for an interval schedule: its hour field is {@code *} or a step over the whole day (see
   * {@link CronCompiler#intervalHours}), so it repeats through the day and follows real time across
   * daylight-saving changes. False for a fixed-time schedule, whose hour field names hours.
   */
  boolean interval() {
    return interval;
  }

  /** The normalized expression this pattern was compiled from. */
  String text() {
    return text;
  }

  boolean matches(LocalDateTime t) {
    return t.getNano() == 0
        && bit(seconds, t.getSecond())
        && bit(minutes, t.getMinute())
        && bit(hours, t.getHour())
        && bit(months, t.getMonthValue())
        && bit(dayMask(t.getYear(), t.getMonthValue()), t.getDayOfMonth());
  }

  /**
   * True if some day of the 400-year Gregorian cycle matches. The calendar, weekdays included,
   * repeats every 400 years, so a pattern with no day in one cycle never fires, and one with a day
   * finds its next fire within 400 years of any point: the searches below always end.
   */
  boolean firesAtAll() {
    for (int year = 2000; year < 2400; year++) {
      for (int month = 1; month <= 12; month++) {
        if (bit(months, month) && dayMask(year, month) != 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** The first matching local time at or after {@code from} (whole seconds). */
  Optional<LocalDateTime> ceiling(LocalDateTime from) {
    int year = from.getYear();
    int month = from.getMonthValue();
    int day = from.getDayOfMonth();
    int hour = from.getHour();
    int minute = from.getMinute();
    int second = from.getSecond();
    while (true) {
      if (second > 59) {
        second = 0;
        minute++;
      }
      if (minute > 59) {
        minute = 0;
        hour++;
      }
      if (hour > 23) {
        hour = 0;
        day++;
      }
      if (day > lengthOfMonth(year, month)) {
        day = 1;
        month++;
      }
      if (month > 12) {
        month = 1;
        year++;
      }
      if (year > MAX_YEAR) {
        return Optional.empty();
      }
      if (!bit(months, month)) {
        month++;
        day = 1;
        hour = minute = second = 0;
        continue;
      }
      int days = dayMask(year, month) & (-1 << day);
      if (days == 0) {
        month++;
        day = 1;
        hour = minute = second = 0;
        continue;
      }
      int d = Integer.numberOfTrailingZeros(days);
      if (d != day) {
        day = d;
        hour = minute = second = 0;
      }
      int h = nextBit(hours, hour);
      if (h < 0) {
        day++;
        hour = minute = second = 0;
        continue;
      }
      if (h != hour) {
        hour = h;
        minute = second = 0;
      }
      int m = nextBit(minutes, minute);
      if (m < 0) {
        hour++;
        minute = second = 0;
        continue;
      }
      if (m != minute) {
        minute = m;
        second = 0;
      }
      int s = nextBit(seconds, second);
      if (s < 0) {
        minute++;
        second = 0;
        continue;
      }
      return Optional.of(LocalDateTime.of(year, month, day, hour, minute, s));
    }
  }

  /** The last matching local time at or before {@code to} (whole seconds). */
  Optional<LocalDateTime> floor(LocalDateTime to) {
    int year = to.getYear();
    int month = to.getMonthValue();
    int day = to.getDayOfMonth();
    int hour = to.getHour();
    int minute = to.getMinute();
    int second = to.getSecond();
    while (true) {
      if (second < 0) {
        second = 59;
        minute--;
      }
      if (minute < 0) {
        minute = 59;
        hour--;
      }
      if (hour < 0) {
        hour = 23;
        day--;
      }
      if (day < 1) {
        month--;
        if (month < 1) {
          month = 12;
          year--;
        }
        if (year < MIN_YEAR) {
          return Optional.empty();
        }
        day = lengthOfMonth(year, month);
      }
      if (year < MIN_YEAR) {
        return Optional.empty();
      }
      if (!bit(months, month)) {
        day = 0;
        hour = 23;
        minute = second = 59;
        continue;
      }
      int days = dayMask(year, month) & (int) ((1L << (day + 1)) - 1);
      if (days == 0) {
        day = 0;
        hour = 23;
        minute = second = 59;
        continue;
      }
      int d = 31 - Integer.numberOfLeadingZeros(days);
      if (d != day) {
        day = d;
        hour = 23;
        minute = second = 59;
      }
      int h = previousBit(hours, hour);
      if (h < 0) {
        day--;
        hour = 23;
        minute = second = 59;
        continue;
      }
      if (h != hour) {
        hour = h;
        minute = second = 59;
      }
      int m = previousBit(minutes, minute);
      if (m < 0) {
        hour--;
        minute = second = 59;
        continue;
      }
      if (m != minute) {
        minute = m;
        second = 59;
      }
      int s = previousBit(seconds, second);
      if (s < 0) {
        minute--;
        second = 59;
        continue;
      }
      return Optional.of(LocalDateTime.of(year, month, day, hour, minute, s));
    }
  }

  /** Bit d set for each matching day d of the month. */
  int dayMask(int year, int month) {
    int length = lengthOfMonth(year, month);
    int all = (int) ((1L << (length + 1)) - 2);
    if (domAny && dowAny) {
      return all;
    }
    int dom = domAny ? 0 : domMask(year, month, length);
    int dow = dowAny ? 0 : dowMask(year, month, length);
    if (domAny) {
      return dow;
    }
    if (dowAny) {
      return dom;
    }
    return dom | dow;
  }

  private int domMask(int year, int month, int length) {
    int mask = domDays & (int) ((1L << (length + 1)) - 2);
    for (int bits = domFromEnd; bits != 0; bits &= bits - 1) {
      int d = length - Integer.numberOfTrailingZeros(bits);
      if (d >= 1) {
        mask |= 1 << d;
      }
    }
    if (domNearestWeekday != 0 || domLastWeekday) {
      int firstDow = firstDayOfWeek(year, month);
      for (int bits = domNearestWeekday; bits != 0; bits &= bits - 1) {
        int n = Integer.numberOfTrailingZeros(bits);
        if (n <= length) {
          mask |= 1 << nearestWeekday(n, length, firstDow);
        }
      }
      if (domLastWeekday) {
        int dow = (firstDow + length - 1) % 7;
        mask |= 1 << (dow == 6 ? length - 1 : dow == 0 ? length - 2 : length);
      }
    }
    return mask;
  }

  private static int nearestWeekday(int n, int length, int firstDow) {
    int dow = (firstDow + n - 1) % 7;
    if (dow == 6) { // Saturday: Friday before, unless that leaves the month
      return n == 1 ? 3 : n - 1;
    }
    if (dow == 0) { // Sunday: Monday after, unless that leaves the month
      return n == length ? n - 2 : n + 1;
    }
    return n;
  }

  private int dowMask(int year, int month, int length) {
    int firstDow = firstDayOfWeek(year, month);
    int mask = 0;
    for (int d = 1; d <= length; d++) {
      int dow = (firstDow + d - 1) % 7;
      if (bit(dowDays, dow)
          || (bit(dowLast, dow) && d + 7 > length)
          || (dowNth & (1L << (dow * 8 + (d - 1) / 7 + 1))) != 0) {
        mask |= 1 << d;
      }
    }
    return mask;
  }

  /** 0 = Sunday .. 6 = Saturday. */
  private static int firstDayOfWeek(int year, int month) {
    return LocalDate.of(year, month, 1).getDayOfWeek().getValue() % 7;
  }

  private static int lengthOfMonth(int year, int month) {
    return switch (month) {
      case 2 -> Year.isLeap(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  private static boolean bit(long bits, int i) {
    return (bits & (1L << i)) != 0;
  }

  /** The lowest set bit at or above {@code from}, or -1. */
  private static int nextBit(long bits, int from) {
    long above = bits & (-1L << from);
    return above == 0 ? -1 : Long.numberOfTrailingZeros(above);
  }

  /** The highest set bit at or below {@code to}, or -1. */
  private static int previousBit(long bits, int to) {
    long below = to >= 63 ? bits : bits & ((1L << (to + 1)) - 1);
    return below == 0 ? -1 : 63 - Long.numberOfLeadingZeros(below);
  }

  @Override
  public String toString() {
    return text;
  }
}
