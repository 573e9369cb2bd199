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
    StringBuilder out = new StringBuilder(320);
    out.append('{');
    boolean first = true;
    first = string(out, first, "eventId", event.getEventId());
    if (event.hasTime()) {
      first = name(out, first, "time");
      out.append('"');
      timestamp(out, event.getTime());
      out.append('"');
    }
    if (event.getKindValue() != 0) {
      first = enumValue(out, first, "kind", event.getKind() != LifecycleEventKind.UNRECOGNIZED ? event.getKind().name() : null, event.getKindValue());
    }
    first = string(out, first, "taskId", event.getTaskId());
    first = string(out, first, "executionId", event.getExecutionId());
    first = string(out, first, "handler", event.getHandler());
    if (event.getAttempt() != 0) {
      first = name(out, first, "attempt");
      out.append(event.getAttempt());
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
      out.append('{');
      boolean firstLabel = true;
      for (Map.Entry<String, String> label : labels.entrySet()) {
        if (!firstLabel) out.append(',');
        firstLabel = false;
        quoted(out, label.getKey());
        out.append(':');
        quoted(out, label.getValue());
      }
      out.append('}');
    }
    out.append('}');
    return out.toString().getBytes(StandardCharsets.UTF_8);
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

  private static boolean name(StringBuilder out, boolean first, String name) {
    if (!first) out.append(',');
    out.append('"').append(name).append("\":");
    return false;
  }

  private static boolean string(StringBuilder out, boolean first, String name, String value) {
    if (value.isEmpty()) return first;
    name(out, first, name);
    quoted(out, value);
    return false;
  }

  /** An enum by name, or by number when this build does not know the value (as the printer does). */
  private static boolean enumValue(StringBuilder out, boolean first, String name, String constant, int number) {
    name(out, first, name);
    if (constant != null) out.append('"').append(constant).append('"');
    else out.append(number);
    return false;
  }

  /** RFC 3339 in UTC, the fraction in 3, 6 or 9 digits (none when zero), as protobuf's Timestamps. */
  static void timestamp(StringBuilder out, Timestamp t) {
    LocalDateTime at = LocalDateTime.ofEpochSecond(t.getSeconds(), 0, ZoneOffset.UTC);
    pad(out, at.getYear(), 4).append('-');
    pad(out, at.getMonthValue(), 2).append('-');
    pad(out, at.getDayOfMonth(), 2).append('T');
    pad(out, at.getHour(), 2).append(':');
    pad(out, at.getMinute(), 2).append(':');
    pad(out, at.getSecond(), 2);
    int nanos = t.getNanos();
    if (nanos != 0) {
      out.append('.');
      if (nanos % 1_000_000 == 0) pad(out, nanos / 1_000_000, 3);
      else if (nanos % 1_000 == 0) pad(out, nanos / 1_000, 6);
      else pad(out, nanos, 9);
    }
    out.append('Z');
  }

  private static StringBuilder pad(StringBuilder out, int value, int digits) {
    for (int d = digits - 1, scale = (int) Math.pow(10, d); d >= 0; d--, scale /= 10) out.append((char) ('0' + value / scale % 10));
    return out;
  }

  /** A JSON string with Gson's HTML-safe escapes, which protobuf's printer uses. */
  static void quoted(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
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

  private static void unicode(StringBuilder out, char c) {
    out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
  }
}
