package io.taskgrid.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.taskgrid.core.Durations;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.proto.v1.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Flag values read before any call: a bad one is a usage error (exit 2) naming the flag. */
final class Inputs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Inputs() {}

  /** JSON text as an application/json payload; it must parse. */
  static Payload jsonPayload(String flag, String text) {
    try {
      JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new TaskgridCli.UsageException(flag + ": not valid JSON: " + e.getOriginalMessage() + " (got " + InvalidArgumentException.quote(text) + ")");
    }
    if (text.isBlank()) throw new TaskgridCli.UsageException(flag + ": not valid JSON: empty");
    return Payload.newBuilder().setData(ByteString.copyFromUtf8(text)).setContentType("application/json").build();
  }

  /** The text of a file, or of standard input for "-". */
  static String read(String flag, String file, InputStream stdin) {
    try {
      if (file.equals("-")) return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new TaskgridCli.UsageException(flag + ": no such file: " + file);
    } catch (IOException e) {
      throw new TaskgridCli.UsageException(flag + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  /** key=value pairs, each key once. */
  static Map<String, String> labels(String flag, List<String> pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0) throw new TaskgridCli.UsageException(flag + ": must be key=value, got " + InvalidArgumentException.quote(p));
      String key = p.substring(0, eq);
      if (out.put(key, p.substring(eq + 1)) != null) throw new TaskgridCli.UsageException(flag + ": key \"" + key + "\" given twice");
    }
    return out;
  }

  static Duration duration(String flag, String text) {
    try {
      return Durations.parse(flag, text);
    } catch (InvalidArgumentException e) {
      throw new TaskgridCli.UsageException(e.getMessage());
    }
  }

  static com.google.protobuf.Duration protoDuration(Duration d) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  /**
   * A point in time: a duration back from now ("1h" = an hour ago), an instant with an offset
   * ("2026-12-01T10:00:00Z") or a local date-time read in the local zone ("2026-12-01T10:00").
   */
  static Instant pointInTime(String flag, String text, Instant now, ZoneId local) {
    String s = text.trim();
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException notOffset) {
      // next form
    }
    try {
      return LocalDateTime.parse(s).atZone(local).toInstant();
    } catch (DateTimeParseException notLocal) {
      // next form
    }
    try {
      return now.minus(Durations.parse(flag, s));
    } catch (InvalidArgumentException e) {
      throw new TaskgridCli.UsageException(flag + ": must be a duration back from now (30m, 2h, 1d), an instant (2026-12-01T10:00:00Z)"
          + " or a local date-time (2026-12-01T10:00), got " + InvalidArgumentException.quote(text));
    }
  }

  /** An enum constant of a proto enum from what people type: "failed" -> EXECUTION_STATUS_FAILED. */
  static <E extends Enum<E>> E protoEnum(String flag, Class<E> type, String prefix, String text) {
    String want = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      String n = e.name();
      if (n.endsWith("_UNSPECIFIED") || n.equals("UNRECOGNIZED")) continue;
      if (n.equals(want) || n.equals(prefix + want)) return e;
    }
    StringBuilder known = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      String n = e.name();
      if (n.endsWith("_UNSPECIFIED") || n.equals("UNRECOGNIZED")) continue;
      if (!known.isEmpty()) known.append(", ");
      known.append((n.startsWith(prefix) ? n.substring(prefix.length()) : n).toLowerCase(Locale.ROOT));
    }
    throw new TaskgridCli.UsageException(flag + ": must be one of " + known + ", got " + InvalidArgumentException.quote(text));
  }
}
