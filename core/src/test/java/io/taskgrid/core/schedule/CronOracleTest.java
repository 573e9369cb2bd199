package io.taskgrid.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares schedules with a deliberately naive matcher that reads the expression text directly and
 * scans the calendar, over thousands of random expressions and start times, in UTC and across every
 * daylight-saving change of several zones.
 */
class CronOracleTest {

  @Test
  void randomExpressionsFireWhereANaiveScanFindsThem() {
    Random random = new Random(20260101);
    for (int i = 0; i < 1500; i++) {
      boolean seconds = random.nextInt(4) == 0;
      String[] f = {
        seconds ? simple(random, 0, 59) : "0",
        simple(random, 0, 59),
        simple(random, 0, 23),
        random.nextInt(3) == 0 ? "*" : dayOfMonth(random),
        random.nextInt(3) == 0 ? simple(random, 1, 12) : "*",
        random.nextInt(2) == 0 ? "*" : dayOfWeek(random)
      };
      String expression = String.join(" ", seconds ? f : java.util.Arrays.copyOfRange(f, 1, 6));
      Oracle oracle = new Oracle(f);
      Schedule schedule;
      try {
        schedule = Schedules.parse("cron", expression, ZoneOffset.UTC, null);
      } catch (io.taskgrid.core.InvalidArgumentException neverFires) {
        assertThat(neverFires).hasMessageContaining("never fires");
        assertThat(oracle.nextAfter(LocalDateTime.of(2000, 1, 1, 0, 0), 401)).as(expression).isEmpty();
        continue;
      }
      LocalDateTime start =
          LocalDateTime.of(1990 + random.nextInt(120), 1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24), random.nextInt(60), random.nextInt(60));

      LocalDateTime cursor = start;
      for (int k = 0; k < 4; k++) {
        Optional<LocalDateTime> expected = oracle.nextAfter(cursor, 401);
        Optional<LocalDateTime> actual = schedule.next(utc(cursor)).map(CronOracleTest::utc);
        assertThat(actual).as("next of %s after %s", expression, cursor).isEqualTo(expected);
        cursor = expected.orElseThrow();
      }
      cursor = start;
      for (int k = 0; k < 4; k++) {
        Optional<LocalDateTime> expected = oracle.previousBefore(cursor, 401);
        Optional<LocalDateTime> actual = schedule.previous(utc(cursor)).map(CronOracleTest::utc);
        assertThat(actual).as("previous of %s before %s", expression, cursor).isEqualTo(expected);
        cursor = expected.orElseThrow();
      }
    }
  }

  static Stream<Arguments> transitions() {
    List<Arguments> all = new ArrayList<>();
    for (String zone :
        List.of(
            "America/New_York",
            "Europe/London",
            "Australia/Lord_Howe",
            "Pacific/Chatham",
            "America/Santiago",
            "Australia/Sydney",
            "Asia/Tehran",
            "Pacific/Apia")) {
      ZoneRules rules = ZoneId.of(zone).getRules();
      Instant t = Instant.parse(zone.equals("Pacific/Apia") ? "2011-01-01T00:00:00Z" : "2021-06-01T00:00:00Z");
      for (int i = 0; i < 4; i++) {
        ZoneOffsetTransition transition = rules.nextTransition(t);
        if (transition == null) {
          break; // Tehran stopped changing clocks in 2022
        }
        all.add(Arguments.of(zone, transition.getInstant()));
        t = transition.getInstant();
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} at {1}")
  @MethodSource("transitions")
  void aroundEveryDaylightChangeFiresMatchTheLocalTimesMappedOneByOne(String zoneName, Instant transition) {
    ZoneId zone = ZoneId.of(zoneName);
    ZoneRules rules = zone.getRules();
    for (String expression :
        List.of(
            "*/15 * * * *",
            "30 1 * * *",
            "0 * * * *",
            "0,30 2,3 * * *",
            "* 2 * * *",
            "45 1,2 * * *",
            "0 0 * * *",
            "*/7 0-3 * * *",
            "59 23 * * *",
            "15 3 * * *",
            "0 22-23 * * *",
            "*/20 * * * *",
            "*/30 * * * *",
            "30 * * * *",
            "0 */2 * * *",
            "0 0-23/3 * * *",
            "*/7 * * * *",
            "0 2,14 * * *")) {
      Schedule schedule = Schedules.parse("cron", expression, zone, null);
      Oracle oracle = new Oracle(("0 " + expression).split(" "));

      LocalDateTime from = LocalDateTime.ofInstant(transition, zone).minusDays(1).withHour(0).withMinute(0);
      TreeSet<Instant> fires = new TreeSet<>();
      if (oracle.interval()) {
        // real time: every instant (minute by minute) of three days whose local time matches
        Instant end = from.plusDays(3).atZone(zone).toInstant();
        for (Instant t = from.atZone(zone).toInstant(); t.isBefore(end); t = t.plusSeconds(60)) {
          if (oracle.matches(LocalDateTime.ofInstant(t, zone))) {
            fires.add(t);
          }
        }
      } else {
        // every matching local minute of three days around the change, mapped by the documented rule
        for (LocalDateTime t = from; t.isBefore(from.plusDays(3)); t = t.plusMinutes(1)) {
          if (oracle.matches(t)) {
            fires.add(documentedInstant(rules, t));
          }
        }
      }
      Instant low = fires.first();
      Instant high = fires.last();

      assertThat(schedule.preview(low.minusNanos(1), fires.size())).as(expression).containsExactlyElementsOf(fires);
      for (Instant x = low; x.isBefore(high); x = x.plusSeconds(299)) {
        assertThat(schedule.next(x)).as("next of %s after %s", expression, x).contains(fires.higher(x));
      }
      for (Instant x = high; x.isAfter(low); x = x.minusSeconds(299)) {
        assertThat(schedule.previous(x)).as("previous of %s before %s", expression, x).contains(fires.lower(x));
      }
      for (Instant fire : fires) {
        if (fire.isAfter(low)) {
          assertThat(schedule.previous(fire)).contains(fires.lower(fire));
        }
        if (fire.isBefore(high)) {
          assertThat(schedule.next(fire)).contains(fires.higher(fire));
        }
      }
    }
  }

  /** Fixed-time rule. Gap: the transition instant. Overlap: the earlier offset. Otherwise: the only offset. */
  private static Instant documentedInstant(ZoneRules rules, LocalDateTime local) {
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    if (offsets.isEmpty()) {
      return rules.getTransition(local).getInstant();
    }
    return local.toInstant(offsets.get(0));
  }

  private static Instant utc(LocalDateTime t) {
    return t.toInstant(ZoneOffset.UTC);
  }

  private static LocalDateTime utc(Instant t) {
    return LocalDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  private static String simple(Random r, int lo, int hi) {
    int a = lo + r.nextInt(hi - lo + 1);
    int b = a + r.nextInt(hi - a + 1);
    return switch (r.nextInt(7)) {
      case 0 -> "*";
      case 1 -> String.valueOf(a);
      case 2 -> a + "-" + b;
      case 3 -> "*/" + (1 + r.nextInt(Math.max(1, (hi - lo) / 2)));
      case 4 -> a + "-" + b + "/" + (1 + r.nextInt(5));
      case 5 -> a + "/" + (1 + r.nextInt(Math.max(1, (hi - lo) / 3)));
      default -> a + "," + b + "," + (lo + r.nextInt(hi - lo + 1));
    };
  }

  private static String dayOfMonth(Random r) {
    String one =
        switch (r.nextInt(8)) {
          case 0 -> "L";
          case 1 -> "LW";
          case 2 -> (1 + r.nextInt(31)) + "W";
          case 3 -> "L-" + (1 + r.nextInt(5));
          case 4 -> "?";
          default -> simple(r, 1, 31);
        };
    return r.nextInt(5) == 0 && !one.equals("?") ? one + "," + (1 + r.nextInt(31)) : one;
  }

  private static String dayOfWeek(Random r) {
    return switch (r.nextInt(8)) {
      case 0 -> r.nextInt(8) + "L";
      case 1 -> r.nextInt(8) + "#" + (1 + r.nextInt(5));
      case 2 -> r.nextInt(7) + "#" + (1 + r.nextInt(5)) + "," + r.nextInt(8) + "L";
      case 3 -> "?";
      default -> simple(r, 0, 7);
    };
  }

  /** Reads the six fields as text on every call: slow, obvious, and independent of CronPattern. */
  private record Oracle(String[] f) {
    /** An interval schedule: the hour field is * or one step whose hours cover the day n hours apart. */
    boolean interval() {
      if (f[2].equals("*")) {
        return true;
      }
      if (!f[2].matches("[*0-9-]+/\\d+")) {
        return false;
      }
      int n = Integer.parseInt(f[2].substring(f[2].indexOf('/') + 1));
      List<Integer> hours = new ArrayList<>();
      for (int h = 0; h < 24; h++) {
        if (plain(f[2], h, 0, 23)) {
          hours.add(h);
        }
      }
      return hours.size() >= 2 && hours.get(0) < n && hours.get(hours.size() - 1) + n > 23;
    }

    boolean matches(LocalDateTime t) {
      return plain(f[0], t.getSecond(), 0, 59)
          && plain(f[1], t.getMinute(), 0, 59)
          && plain(f[2], t.getHour(), 0, 23)
          && plain(f[4], t.getMonthValue(), 1, 12)
          && day(t.toLocalDate());
    }

    boolean day(LocalDate d) {
      boolean domAny = f[3].equals("*") || f[3].equals("?");
      boolean dowAny = f[5].equals("*") || f[5].equals("?");
      if (domAny && dowAny) {
        return true;
      }
      if (domAny) {
        return dow(d);
      }
      if (dowAny) {
        return dom(d);
      }
      return dom(d) || dow(d);
    }

    boolean dom(LocalDate d) {
      int last = d.lengthOfMonth();
      for (String part : f[3].split(",")) {
        if (part.equals("L") && d.getDayOfMonth() == last
            || part.startsWith("L-") && d.getDayOfMonth() == last - Integer.parseInt(part.substring(2))
            || part.equals("LW") && d.equals(weekdayNear(d.withDayOfMonth(last)))
            || part.matches("\\d+W") && nearestWeekdayIs(d, Integer.parseInt(part.substring(0, part.length() - 1)))
            || part.matches("[0-9*/,-]+") && plain(part, d.getDayOfMonth(), 1, 31)) {
          return true;
        }
      }
      return false;
    }

    static LocalDate weekdayNear(LocalDate lastDay) {
      return switch (lastDay.getDayOfWeek()) {
        case SATURDAY -> lastDay.minusDays(1);
        case SUNDAY -> lastDay.minusDays(2);
        default -> lastDay;
      };
    }

    static boolean nearestWeekdayIs(LocalDate d, int n) {
      if (n > d.lengthOfMonth()) {
        return false;
      }
      LocalDate target = d.withDayOfMonth(n);
      if (target.getDayOfWeek() == DayOfWeek.SATURDAY) {
        target = n == 1 ? target.plusDays(2) : target.minusDays(1);
      } else if (target.getDayOfWeek() == DayOfWeek.SUNDAY) {
        target = n == d.lengthOfMonth() ? target.minusDays(2) : target.plusDays(1);
      }
      return d.equals(target);
    }

    boolean dow(LocalDate d) {
      int dow = d.getDayOfWeek().getValue() % 7;
      for (String part : f[5].split(",")) {
        if (part.endsWith("L")) {
          if (Integer.parseInt(part.substring(0, part.length() - 1)) % 7 == dow && d.plusDays(7).getMonth() != d.getMonth()) {
            return true;
          }
        } else if (part.contains("#")) {
          String[] p = part.split("#");
          if (Integer.parseInt(p[0]) % 7 == dow && (d.getDayOfMonth() - 1) / 7 + 1 == Integer.parseInt(p[1])) {
            return true;
          }
        } else if (plain(part, dow, 0, 7) || dow == 0 && plain(part, 7, 0, 7)) {
          return true;
        }
      }
      return false;
    }

    static boolean plain(String field, int v, int lo, int hi) {
      for (String part : field.split(",")) {
        String range = part;
        int step = 1;
        int slash = part.indexOf('/');
        if (slash >= 0) {
          range = part.substring(0, slash);
          step = Integer.parseInt(part.substring(slash + 1));
        }
        int a;
        int b;
        if (range.equals("*") || range.equals("?")) {
          a = lo;
          b = hi;
        } else if (range.contains("-")) {
          a = Integer.parseInt(range.split("-")[0]);
          b = Integer.parseInt(range.split("-")[1]);
        } else {
          a = Integer.parseInt(range);
          b = slash >= 0 ? hi : a;
        }
        if (v >= a && v <= b && (v - a) % step == 0) {
          return true;
        }
      }
      return false;
    }

    /** The first match strictly after {@code t}, scanning day by day for up to {@code years}. */
    Optional<LocalDateTime> nextAfter(LocalDateTime t, int years) {
      LocalDate end = t.toLocalDate().plusYears(years);
      for (LocalDate d = t.toLocalDate(); d.isBefore(end); d = d.plusDays(1)) {
        if (!plain(f[4], d.getMonthValue(), 1, 12) || !day(d)) {
          continue;
        }
        for (int h = 0; h < 24; h++) {
          for (int m = 0; m < 60 && plain(f[2], h, 0, 23); m++) {
            for (int s = 0; s < 60 && plain(f[1], m, 0, 59); s++) {
              LocalDateTime c = d.atTime(h, m, s);
              if (c.isAfter(t) && plain(f[0], s, 0, 59)) {
                return Optional.of(c);
              }
            }
          }
        }
      }
      return Optional.empty();
    }

    Optional<LocalDateTime> previousBefore(LocalDateTime t, int years) {
      LocalDate end = t.toLocalDate().minusYears(years);
      for (LocalDate d = t.toLocalDate(); d.isAfter(end); d = d.minusDays(1)) {
        if (!plain(f[4], d.getMonthValue(), 1, 12) || !day(d)) {
          continue;
        }
        for (int h = 23; h >= 0; h--) {
          for (int m = 59; m >= 0 && plain(f[2], h, 0, 23); m--) {
            for (int s = 59; s >= 0 && plain(f[1], m, 0, 59); s--) {
              LocalDateTime c = d.atTime(h, m, s);
              if (c.isBefore(t) && plain(f[0], s, 0, 59)) {
                return Optional.of(c);
              }
            }
          }
        }
      }
      return Optional.empty();
    }
  }
}
