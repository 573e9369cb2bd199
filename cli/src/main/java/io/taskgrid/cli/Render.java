package io.taskgrid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.ProtocolMessageEnum;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.taskgrid.proto.v1.ExecutionStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Prints results: protobuf's JSON mapping or YAML for scripts, aligned tables for people. */
final class Render {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(
      new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private static final String RESET = "\u001b[0m";
  static final String BOLD = "\u001b[1m";
  static final String RED = "\u001b[31m";
  static final String GREEN = "\u001b[32m";
  static final String YELLOW = "\u001b[33m";
  static final String CYAN = "\u001b[36m";
  static final String DIM = "\u001b[2m";

  private final PrintStream out;
  private final boolean colour;
  private final Instant now;

  Render(PrintStream out, boolean colour, Instant now) {
    this.out = out;
    this.colour = colour;
    this.now = now;
  }

  Instant now() {
    return now;
  }

  /** One message in the chosen machine format (pretty JSON, or a YAML document). */
  void message(MessageOrBuilder m, TaskgridCli.Format format) {
    String json = json(m, false);
    switch (format) {
      case json, table -> out.println(json);
      case yaml -> out.print(yaml(json));
    }
  }

  /** One message of a stream: a JSON line, or a YAML document after "---". */
  void streamed(MessageOrBuilder m, TaskgridCli.Format format) {
    switch (format) {
      case json, table -> out.println(json(m, true));
      case yaml -> out.print("---\n" + yaml(json(m, false)));
    }
    out.flush();
  }

  static String json(MessageOrBuilder m, boolean compact) {
    try {
      JsonFormat.Printer p = JsonFormat.printer();
      return (compact ? p.omittingInsignificantWhitespace() : p).print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + m.getClass().getSimpleName() + " as JSON", e);
    }
  }

  static String yaml(String json) {
    try {
      JsonNode tree = JSON.readTree(json);
      return YAML.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void line(String text) {
    out.println(text);
  }

  String paint(String text, String style) {
    return colour && style != null && !text.isEmpty() ? style + text + RESET : text;
  }

  /** An enum constant without its type prefix: EXECUTION_STATUS_FAILED -> FAILED. */
  static String name(ProtocolMessageEnum value, String prefix) {
    String n = ((Enum<?>) value).name();
    if (n.endsWith("_UNSPECIFIED") || n.equals("UNRECOGNIZED")) return "-";
    return n.startsWith(prefix) ? n.substring(prefix.length()) : n;
  }

  static String status(ExecutionStatus s) {
    return name(s, "EXECUTION_STATUS_");
  }

  static String statusStyle(String status) {
    return switch (status) {
      case "SUCCEEDED", "ACTIVE", "CLOSED" -> GREEN;
      case "FAILED", "TIMEOUT", "OPEN" -> RED;
      case "CANCELLED", "SKIPPED", "PAUSED", "HALF_OPEN", "RETRY_SCHEDULED", "DRAINING" -> YELLOW;
      case "RUNNING", "PENDING", "QUEUED" -> CYAN;
      default -> null;
    };
  }

  /** "3m ago", "in 12s", "-" for an unset time. */
  String when(Timestamp t) {
    if (t == null || (t.getSeconds() == 0 && t.getNanos() == 0)) return "-";
    return Times.relative(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()), now);
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static boolean isSet(Timestamp t) {
    return t.getSeconds() != 0 || t.getNanos() != 0;
  }

  static String duration(com.google.protobuf.Duration d) {
    if (d.getSeconds() == 0 && d.getNanos() == 0) return "-";
    return Times.compact(Duration.ofSeconds(d.getSeconds(), d.getNanos()));
  }

  Table table(String... headers) {
    return new Table(headers);
  }

  /** Rows of cells, padded to the widest cell of each column; colour is added after padding. */
  final class Table {
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();
    private final UnaryOperator<String>[] styles;

    @SuppressWarnings("unchecked")
    private Table(String[] headers) {
      this.headers = headers;
      this.styles = new UnaryOperator[headers.length];
    }

    /** Colours column {@code column} (0-based) by its cell's text. */
    Table style(int column, UnaryOperator<String> styleOfText) {
      styles[column] = styleOfText;
      return this;
    }

    Table row(String... cells) {
      if (cells.length != headers.length) throw new IllegalArgumentException("row of " + cells.length + " cells for " + headers.length + " columns");
      rows.add(cells);
      return this;
    }

    void print() {
      int[] width = new int[headers.length];
      for (int c = 0; c < headers.length; c++) width[c] = headers[c].length();
      for (String[] r : rows) for (int c = 0; c < r.length; c++) width[c] = Math.max(width[c], r[c].length());
      out.println(format(headers, width, true));
      for (String[] r : rows) out.println(format(r, width, false));
      out.flush();
    }

    private String format(String[] cells, int[] width, boolean header) {
      StringBuilder b = new StringBuilder();
      for (int c = 0; c < cells.length; c++) {
        boolean last = c == cells.length - 1;
        String text = cells[c];
        String padded = last ? text : text + " ".repeat(width[c] - text.length());
        String style = header ? BOLD : styles[c] == null ? null : styles[c].apply(text);
        if (style != null && colour) {
          b.append(paint(text, style)).append(padded.substring(text.length()));
        } else {
          b.append(padded);
        }
        if (!last) b.append("  ");
      }
      return b.toString().stripTrailing();
    }
  }
}
