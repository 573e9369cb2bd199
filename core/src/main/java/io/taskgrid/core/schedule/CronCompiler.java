package io.taskgrid.core.schedule;

import static io.taskgrid.core.InvalidArgumentException.quote;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.field.CronFieldName;
import com.cronutils.model.field.expression.Always;
import com.cronutils.model.field.expression.And;
import com.cronutils.model.field.expression.Between;
import com.cronutils.model.field.expression.Every;
import com.cronutils.model.field.expression.FieldExpression;
import com.cronutils.model.field.expression.On;
import com.cronutils.model.field.expression.QuestionMark;
import com.cronutils.model.field.value.FieldValue;
import com.cronutils.model.field.value.IntegerFieldValue;
import com.cronutils.model.field.value.SpecialChar;
import com.cronutils.model.field.value.SpecialCharFieldValue;
import com.cronutils.parser.CronParser;
import io.taskgrid.core.InvalidArgumentException;
import java.util.List;
import java.util.Locale;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Turns cron text into a {@link CronPattern}. cron-utils range-checks the fields and builds their
 * model, after a stricter syntax check (it reads {@code 5LL} as {@code 5L}). Its execution-time
 * search is not used: it ANDs the two day fields and throws on {@code 31W} in a 30-day month (see
 * CronUtilsQuirksTest).
 *
 * <p>Compiled patterns are memoized by normalized text: a coordinator holds up to millions of
 * schedules but few distinct expressions, and a pattern is immutable, so sharing is invisible.
 */
final class CronCompiler {
  /**
   * Compiled patterns by normalized expression, held weakly: a pattern lives as long as a schedule
   * (a registered task) uses it, so a million tasks sharing a hundred thousand expressions compile
   * each once, and expressions only previewed do not accumulate.
   */
  private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();
  private static final ReferenceQueue<CronPattern> CLEARED = new ReferenceQueue<>();

  private static final class Cached extends WeakReference<CronPattern> {
    final String key;

    Cached(String key, CronPattern pattern) {
      super(pattern, CLEARED);
      this.key = key;
    }
  }

  private static final String[] NAMES = {"second", "minute", "hour", "day-of-month", "month", "day-of-week"};
  private static final String[] ALLOWED = {
    "0-59",
    "0-59",
    "0-23",
    "1-31, L, L-n, nW or LW",
    "1-12 or JAN-DEC",
    "0-7 or SUN-SAT (0 and 7 are Sunday), nL or n#k"
  };
  private static final int[] MIN = {0, 0, 0, 1, 1, 0};
  private static final int[] MAX = {59, 59, 23, 31, 12, 7};
  private static final CronFieldName[] CRON_UTILS_NAMES = {
    CronFieldName.SECOND,
    CronFieldName.MINUTE,
    CronFieldName.HOUR,
    CronFieldName.DAY_OF_MONTH,
    CronFieldName.MONTH,
    CronFieldName.DAY_OF_WEEK
  };
  private static final List<String> MONTH_NAMES =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAY_NAMES = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  // whole names only ("SUNSAT", "MONDAY", "SUN1" stay as typed and fail); a day name may take an L
  private static final Pattern MONTH_NAME =
      Pattern.compile("(?<![A-Z0-9])(" + String.join("|", MONTH_NAMES) + ")(?![A-Z0-9])");
  private static final Pattern DAY_NAME =
      Pattern.compile("(?<![A-Z0-9])(" + String.join("|", DAY_NAMES) + ")(?![A-KM-Z0-9])");
  private static final String NUMBER = "\\d{1,2}";
  private static final String PLAIN = "(?:\\*|" + NUMBER + "(?:-" + NUMBER + ")?)(?:/" + NUMBER + ")?";
  private static final String DOM = PLAIN + "|L(?:-" + NUMBER + ")?|" + NUMBER + "W|LW|" + NUMBER + "-L";
  private static final String DOW = PLAIN + "|" + NUMBER + "L|" + NUMBER + "#" + NUMBER;
  private static final Pattern[] SYNTAX = {
    list(PLAIN),
    list(PLAIN),
    list(PLAIN),
    Pattern.compile("\\?|" + list(DOM).pattern()),
    list(PLAIN),
    Pattern.compile("\\?|" + list(DOW).pattern())
  };
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  /** One step expression: {@code *}/n, a/n or a-b/n. */
  private static final Pattern STEP = Pattern.compile("(?:\\*|\\d{1,2}(?:-\\d{1,2})?)/(\\d{1,2})");

  // Day-of-week 7 stays 7: with the usual withIntMapping(7, 0) cron-utils reads "7/1" as "0/1", every
  // day. DaySpec folds 7 into Sunday itself. Package-private for CronUtilsQuirksTest.
  static final CronDefinition DEFINITION =
      CronDefinitionBuilder.defineCron()
          .withSeconds().withValidRange(0, 59).withStrictRange().and()
          .withMinutes().withValidRange(0, 59).withStrictRange().and()
          .withHours().withValidRange(0, 23).withStrictRange().and()
          .withDayOfMonth().supportsL().supportsW().supportsLW().supportsQuestionMark()
              .withValidRange(1, 31).withStrictRange().and()
          .withMonth().withValidRange(1, 12).withStrictRange().and()
          .withDayOfWeek().withMondayDoWValue(1).supportsHash().supportsL().supportsQuestionMark()
              .withValidRange(0, 7).withStrictRange().and()
          .instance();
  private static final CronParser PARSER = new CronParser(DEFINITION);

  private CronCompiler() {}

  /**
   * Compiles a 5-field ({@code min hour dom month dow}) or 6-field ({@code sec min hour dom month
   * dow}) expression; {@code expression} is the user's text, quoted in errors.
   */
  static CronPattern compile(String field, String expression) {
    String[] typed = WHITESPACE.split(expression.trim());
    if (typed.length != 5 && typed.length != 6) {
      throw new InvalidArgumentException(
          field,
          "must have 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got "
              + typed.length
              + " in "
              + quote(expression));
    }
    String normalized = String.join(" ", typed).toUpperCase(Locale.ROOT);
    for (Reference<? extends CronPattern> r; (r = CLEARED.poll()) != null; ) {
      CACHE.remove(((Cached) r).key, r);
    }
    Cached cached = CACHE.get(normalized);
    CronPattern hit = cached == null ? null : cached.get();
    if (hit != null) {
      return hit;
    }
    CronPattern compiled = compile(field, expression, typed, normalized);
    CACHE.put(normalized, new Cached(normalized, compiled));
    return compiled;
  }

  private static CronPattern compile(String field, String expression, String[] typed, String normalized) {
    int offset = 6 - typed.length;
    String[] six = new String[6];
    String[] shown = new String[6];
    six[0] = "0";
    for (int i = 0; i < typed.length; i++) {
      shown[i + offset] = typed[i];
      six[i + offset] = typed[i].toUpperCase(Locale.ROOT);
    }
    // cron-utils rejects a name followed by L inside a list ("1-5,FRIL"); numbers it reads everywhere
    six[4] = numbered(six[4], MONTH_NAME, MONTH_NAMES, 1);
    six[5] = numbered(six[5], DAY_NAME, DAY_NAMES, 0);
    // cron-utils also reads "5LL" as 5L, "5#2#3" as 5#2 and "15L" as L: check the shape first
    for (int i = offset; i < 6; i++) {
      if (!SYNTAX[i].matcher(six[i]).matches()) {
        throw fieldError(field, expression, i, shown[i]);
      }
    }
    Cron cron;
    try {
      cron = PARSER.parse(String.join(" ", six));
    } catch (RuntimeException e) {
      throw blame(field, expression, six, shown, offset);
    }
    FieldExpression[] parts = new FieldExpression[6];
    for (int i = 0; i < 6; i++) {
      parts[i] = cron.retrieve(CRON_UTILS_NAMES[i]).getExpression();
    }
    long[] plain = new long[6];
    DaySpec dom = new DaySpec();
    DaySpec dow = new DaySpec();
    for (int i = 0; i < 6; i++) {
      try {
        switch (i) {
          case 3 -> dom.dayOfMonth(parts[i]);
          case 5 -> dow.dayOfWeek(parts[i]);
          default -> plain[i] = values(parts[i], MIN[i], MAX[i]);
        }
      } catch (Unsupported e) {
        throw new InvalidArgumentException(
            field, NAMES[i] + " field " + e.getMessage() + ", got " + quote(shown[i]) + " in " + quote(expression));
      }
    }
    CronPattern pattern =
        new CronPattern(
            normalized,
            plain[0],
            plain[1],
            (int) plain[2],
            (int) plain[4],
            (int) dom.days,
            dom.fromEnd,
            dom.nearestWeekday,
            dom.lastWeekday,
            (int) dow.days,
            dow.last,
            dow.nth,
            isAny(six[3]),
            isAny(six[5]),
            intervalHours(six[2], plain[2]));
    if (!pattern.firesAtAll()) {
      throw new InvalidArgumentException(
          field, "never fires: no date matches its day-of-month, month and day-of-week, in " + quote(expression));
    }
    return pattern;
  }

  /**
   * Whether an hour field repeats over the whole day, making the expression an interval schedule
   * that follows real time across daylight-saving changes: {@code *}, or a single step ({@code
   * *}/n, a/n, a-b/n) that fires at least twice a day and never waits more than n hours, not even
   * from its last hour to the next day's first (a &lt; n, and the last hour + n &gt; 23). So {@code
   * *}/2, {@code 1/2}, {@code 0-23/3}, {@code 5/6} are intervals; lists ({@code 0,12}), plain hours,
   * ranges ({@code 9-17}) and partial steps ({@code 8-18/2}, {@code 7/2}) name fixed hours.
   */
  static boolean intervalHours(String text, long hours) {
    if (text.equals("*")) {
      return true;
    }
    java.util.regex.Matcher step = STEP.matcher(text);
    if (!step.matches() || Long.bitCount(hours) < 2) {
      return false;
    }
    int n = Integer.parseInt(step.group(1));
    int first = Long.numberOfTrailingZeros(hours);
    int last = 63 - Long.numberOfLeadingZeros(hours);
    return first < n && last + n > 23;
  }

  /** cron-utils says only that something is wrong; find the first field that fails on its own. */
  private static InvalidArgumentException blame(
      String field, String expression, String[] six, String[] shown, int offset) {
    for (int i = offset; i < 6; i++) {
      String[] probe = {"0", "*", "*", "*", "*", "*"};
      probe[i] = six[i];
      try {
        PARSER.parse(String.join(" ", probe));
      } catch (RuntimeException e) {
        return fieldError(field, expression, i, shown[i]);
      }
    }
    return new InvalidArgumentException(field, "is not a valid cron expression, got " + quote(expression));
  }

  private static InvalidArgumentException fieldError(String field, String expression, int i, String value) {
    return new InvalidArgumentException(
        field, NAMES[i] + " field must be " + ALLOWED[i] + ", got " + quote(value) + " in " + quote(expression));
  }

  private static Pattern list(String element) {
    return Pattern.compile("(?:" + element + ")(?:,(?:" + element + "))*");
  }

  private static String numbered(String field, Pattern name, List<String> names, int first) {
    return name.matcher(field).replaceAll(m -> String.valueOf(first + names.indexOf(m.group())));
  }

  private static boolean isAny(String text) {
    return text.equals("*") || text.equals("?");
  }

  /** The bit set of a plain numeric field: lists, ranges, steps, {@code *} and {@code ?}. */
  private static long values(FieldExpression e, int min, int max) {
    return switch (e) {
      case Always a -> range(min, max, 1);
      case QuestionMark q -> range(min, max, 1);
      case On on when on.getSpecialChar().getValue() == SpecialChar.NONE -> 1L << on.getTime().getValue();
      case Between b -> range(number(b.getFrom()), number(b.getTo()), 1);
      case Every every -> stepped(every, min, max);
      case And and -> {
        long bits = 0;
        for (FieldExpression part : and.getExpressions()) {
          bits |= values(part, min, max);
        }
        yield bits;
      }
      default -> throw new Unsupported("does not support " + e.asString());
    };
  }

  private static long stepped(Every every, int min, int max) {
    int step = every.getPeriod().getValue();
    return switch (every.getExpression()) {
      case Always a -> range(min, max, step);
      case On on when on.getSpecialChar().getValue() == SpecialChar.NONE ->
          range(on.getTime().getValue(), max, step);
      case Between b -> range(number(b.getFrom()), number(b.getTo()), step);
      default -> throw new Unsupported("does not support a step after " + every.getExpression().asString());
    };
  }

  private static int number(FieldValue<?> value) {
    if (value instanceof IntegerFieldValue i) {
      return i.getValue();
    }
    throw new Unsupported("does not support " + value + " in a range");
  }

  private static long range(int from, int to, int step) {
    if (step < 1) {
      throw new Unsupported("needs a step of at least 1");
    }
    long bits = 0;
    for (int v = from; v <= to; v += step) {
      bits |= 1L << v;
    }
    return bits;
  }

  /** The day rules of one day field, accumulated over a list. */
  private static final class DaySpec {
    long days;
    int fromEnd;
    int nearestWeekday;
    boolean lastWeekday;
    int last;
    long nth;

    void dayOfMonth(FieldExpression e) {
      switch (e) {
        case And and -> and.getExpressions().forEach(this::dayOfMonth);
        case On on -> {
          SpecialChar special = on.getSpecialChar().getValue();
          int time = on.getTime() == null ? -1 : on.getTime().getValue();
          int nth = on.getNth() == null ? -1 : on.getNth().getValue();
          switch (special) {
            case NONE -> days |= 1L << time;
            case L -> {
              int back = Math.max(nth, 0);
              if (back > 30) {
                throw new Unsupported("allows L-n only up to L-30");
              }
              fromEnd |= 1 << back;
            }
            case W -> nearestWeekday |= 1 << time;
            case LW -> lastWeekday = true;
            default -> throw new Unsupported("does not support " + e.asString());
          }
        }
        case Between b when b.getTo() instanceof SpecialCharFieldValue to && to.getValue() == SpecialChar.L -> {
          // "10-L": day 10 to the month's last day; days past a short month's end are masked per month
          days |= range(number(b.getFrom()), 31, 1);
        }
        default -> days |= values(e, 1, 31);
      }
    }

    void dayOfWeek(FieldExpression e) {
      switch (e) {
        case And and -> and.getExpressions().forEach(this::dayOfWeek);
        case On on when on.getSpecialChar().getValue() != SpecialChar.NONE -> {
          SpecialChar special = on.getSpecialChar().getValue();
          int time = on.getTime() == null ? -1 : on.getTime().getValue();
          if (time < 0) {
            throw new Unsupported("needs a weekday before L, such as 5L or FRIL for the last Friday");
          }
          int dow = time % 7;
          switch (special) {
            case L -> last |= 1 << dow;
            case HASH -> {
              int k = on.getNth().getValue();
              if (k < 1 || k > 5) {
                throw new Unsupported("allows n#k only with k from 1 to 5");
              }
              nth |= 1L << (dow * 8 + k);
            }
            default -> throw new Unsupported("does not support " + e.asString());
          }
        }
        default -> {
          long bits = values(e, 0, 7);
          days |= (bits & 0x7F) | ((bits >> 7) & 1); // 7 is Sunday, like 0
        }
      }
    }
  }

  /** A shape cron-utils accepts but Taskgrid does not evaluate; the caller names the field. */
  private static final class Unsupported extends RuntimeException {
    Unsupported(String message) {
      super(message, null, false, false);
    }
  }
}
