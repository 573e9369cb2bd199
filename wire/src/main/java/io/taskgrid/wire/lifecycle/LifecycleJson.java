package io.taskgrid.wire.lifecycle;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.LifecycleEventKind;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;

/**
 * The lifecycle topic's value format: protobuf's JSON mapping of {@link LifecycleEvent}, on one
 * line, fields at their default left out, so any consumer reads it without generated code.
 *
 * <p>{@link #write} produces byte for byte what {@code JsonFormat.printer()
 * .omittingInsignificantWhitespace()} does (field order, enum names, RFC 3339 times with 0, 3, 6 or
 * 9 fractional digits, Gson's HTML-safe string escapes), written by hand: every task emits about
 * three events, and the reflective printer cost more CPU than the rest of the lifecycle path
 * together. {@code LifecycleJsonTest} holds it to the printer's output on random events.
 */
public final class LifecycleJson {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  /** Seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range JSON timestamps allow. */
  private static final long MIN_SECONDS = -62_135_596_800L;
  private static final long MAX_SECONDS = 253_402_300_799L;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private LifecycleJson() {}

  public static byte[] write(LifecycleEvent event) {
    if (!event.getUnknownFields().asMap().isEmpty() || (event.hasTime() && !plainTime(event.getTime()))) {
      return printed(event); // unknown fields are not printed either way; odd times fail as the printer fails
    }
    Out out = new Out(384);
    out.put('{');
    boolean first = true;
    first = string(out, first, "eventId", event.getEventId());
    if (event.hasTime()) {
      first = name(out, first, "time");
      out.put('"');
      timestamp(out, event.getTime());
      out.put('"');
    }
    if (event.getKindValue() != 0) {
      first = enumValue(out, first, "kind", event.getKind() != LifecycleEventKind.UNRECOGNIZED ? event.getKind().name() : null, event.getKindValue());
    }
    first = string(out, first, "taskId", event.getTaskId());
    first = string(out, first, "executionId", event.getExecutionId());
    first = string(out, first, "handler", event.getHandler());
    if (event.getAttempt() != 0) {
      first = name(out, first, "attempt");
      out.ascii(Integer.toString(event.getAttempt()));
    }
    first = string(out, first, "workerId", event.getWorkerId());
    if (event.getStatusValue() != 0) {
      first = enumValue(out, first, "status", event.getStatus() != ExecutionStatus.UNRECOGNIZED ? event.getStatus().name() : null, event.getStatusValue());
    }
    first = string(out, first, "reason", event.getReason());
    first = string(out, first, "source", event.getSource());
    Map<String, String> labels = event.getLabelsMap();
    if (!labels.isEmpty()) {
      first = name(out, first, "labels");
      out.put('{');
      boolean firstLabel = true;
      for (Map.Entry<String, String> label : labels.entrySet()) {
        if (!firstLabel) out.put(',');
        firstLabel = false;
        quoted(out, label.getKey());
        out.put(':');
        quoted(out, label.getValue());
      }
      out.put('}');
    }
    out.put('}');
    return out.toArray();
  }

  /** Reads one value; fields a newer writer added are ignored. */
  public static LifecycleEvent read(byte[] json) throws InvalidProtocolBufferException {
    LifecycleEvent.Builder b = LifecycleEvent.newBuilder();
    PARSER.merge(new String(json, StandardCharsets.UTF_8), b);
    return b.build();
  }

  static byte[] printed(LifecycleEvent event) {
    try {
      return PRINTER.print(event).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print a lifecycle event", e); // only Any fields fail, and it has none
    }
  }

  private static boolean plainTime(Timestamp t) {
    return t.getSeconds() >= MIN_SECONDS && t.getSeconds() <= MAX_SECONDS && t.getNanos() >= 0 && t.getNanos() <= 999_999_999;
  }

  private static boolean name(Out out, boolean first, String name) {
    if (!first) out.put(',');
    out.put('"').ascii(name).put('"').put(':');
    return false;
  }

  private static boolean string(Out out, boolean first, String name, String value) {
    if (value.isEmpty()) return first;
    name(out, first, name);
    quoted(out, value);
    return false;
  }

  /** An enum by name, or by number when this build does not know the value (as the printer does). */
  private static boolean enumValue(Out out, boolean first, String name, String constant, int number) {
    name(out, first, name);
    if (constant != null) out.put('"').ascii(constant).put('"');
    else out.ascii(Integer.toString(number));
    return false;
  }

  /** RFC 3339 in UTC, the fraction in 3, 6 or 9 digits (none when zero), as protobuf's Timestamps. */
  private static void timestamp(Out out, Timestamp t) {
    LocalDateTime at = LocalDateTime.ofEpochSecond(t.getSeconds(), 0, ZoneOffset.UTC);
    out.digits(at.getYear(), 4).put('-');
    out.digits(at.getMonthValue(), 2).put('-');
    out.digits(at.getDayOfMonth(), 2).put('T');
    out.digits(at.getHour(), 2).put(':');
    out.digits(at.getMinute(), 2).put(':');
    out.digits(at.getSecond(), 2);
    int nanos = t.getNanos();
    if (nanos != 0) {
      out.put('.');
      if (nanos % 1_000_000 == 0) out.digits(nanos / 1_000_000, 3);
      else if (nanos % 1_000 == 0) out.digits(nanos / 1_000, 6);
      else out.digits(nanos, 9);
    }
    out.put('Z');
  }

  /**
   * A JSON string as {@link #quoted(StringBuilder, String)} writes it: copied byte for byte when it
   * is printable ASCII that needs no escape (ids, handler names, most labels), else escaped, then
   * encoded.
   */
  private static void quoted(Out out, String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      if (!plainAscii(s.charAt(i))) {
        StringBuilder escaped = new StringBuilder(n + 16);
        quoted(escaped, s);
        out.utf8(escaped.toString());
        return;
      }
    }
    out.put('"').ascii(s).put('"');
  }

  /** A JSON string with Gson's HTML-safe escapes, which protobuf's printer uses. */
  static void quoted(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (plainAscii(c)) {
        out.append(c);
        continue;
      }
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\f' -> out.append("\\f");
        case '<', '>', '&', '=', '\'', '\u2028', '\u2029' -> unicode(out, c);
        default -> {
          if (c < 0x20) unicode(out, c);
          else out.append(c);
        }
      }
    }
    out.append('"');
  }

  /** Whether {@code c} is printable ASCII that a JSON string holds as it is (no escape). */
  private static boolean plainAscii(char c) {
    return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' && c != '=' && c != '\'';
  }

  private static void unicode(StringBuilder out, char c) {
    out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
  }

  /** The bytes of one value as it is written: ASCII put as it is, other text encoded as UTF-8. */
  private static final class Out {
    private byte[] bytes;
    private int size;

    Out(int capacity) {
      bytes = new byte[capacity];
    }

    private void room(int more) {
      if (size + more > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }

    /** An ASCII character. */
    Out put(char c) {
      room(1);
      bytes[size++] = (byte) c;
      return this;
    }

    /** A string known to be ASCII. */
    Out ascii(String s) {
      int n = s.length();
      room(n);
      for (int i = 0; i < n; i++) bytes[size++] = (byte) s.charAt(i);
      return this;
    }

    Out utf8(String s) {
      byte[] encoded = s.getBytes(StandardCharsets.UTF_8);
      room(encoded.length);
      System.arraycopy(encoded, 0, bytes, size, encoded.length);
      size += encoded.length;
      return this;
    }

    /** {@code value} in {@code digits} decimal digits, zeros in front. */
    Out digits(int value, int digits) {
      room(digits);
      for (int i = size + digits - 1; i >= size; i--, value /= 10) bytes[i] = (byte) ('0' + value % 10);
      size += digits;
      return this;
    }

    byte[] toArray() {
      return Arrays.copyOf(bytes, size);
    }
  }
}
