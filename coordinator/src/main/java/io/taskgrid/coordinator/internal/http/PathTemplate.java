package io.taskgrid.coordinator.internal.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@code google.api.http} path template of the simple kind the proto uses: literal segments,
 * variables of one segment ({@code {task_id}}, {@code {task.id}} for a field of a field) and an
 * optional verb after the last segment ({@code :pause}). Matching works on the raw (still
 * percent-encoded) path, so an encoded {@code %3A} or {@code %2F} belongs to a variable's value
 * and never splits it; values are decoded strictly (bad escapes and bytes that are not UTF-8 are
 * refused, as are {@code .} and {@code ..} segments).
 */
record PathTemplate(String template, List<Segment> segments, String verb) {
  private static final Pattern FIELD_PATH = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*");
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~-]+");

  /** One segment of a template. */
  sealed interface Segment {
    /** A fixed segment, compared as is. */
    record Literal(String text) implements Segment {}

    /** A segment whose decoded value fills the field at {@code fieldPath} (dotted). */
    record Variable(String fieldPath) implements Segment {}
  }

  PathTemplate {
    segments = List.copyOf(segments);
  }

  /** Parses {@code template}; an IllegalArgumentException for a shape this router does not serve. */
  static PathTemplate parse(String template) {
    if (template == null || !template.startsWith("/") || template.length() < 2) {
      throw new IllegalArgumentException("a path template starts with / and names something: " + template);
    }
    String rest = template.substring(1);
    String verb = null;
    int lastSlash = rest.lastIndexOf('/');
    int colon = rest.indexOf(':', lastSlash + 1);
    if (colon >= 0 && rest.indexOf('}', colon) < 0) {
      verb = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!LITERAL.matcher(verb).matches()) throw new IllegalArgumentException("bad verb in " + template);
    }
    List<Segment> segments = new ArrayList<>();
    for (String s : rest.split("/", -1)) {
      if (s.startsWith("{") && s.endsWith("}")) {
        String field = s.substring(1, s.length() - 1);
        if (!FIELD_PATH.matcher(field).matches()) throw new IllegalArgumentException("bad variable '" + s + "' in " + template);
        segments.add(new Segment.Variable(field));
      } else if (LITERAL.matcher(s).matches()) {
        segments.add(new Segment.Literal(s));
      } else {
        throw new IllegalArgumentException("bad segment '" + s + "' in " + template);
      }
    }
    return new PathTemplate(template, segments, verb);
  }

  /**
   * The variables of {@code rawPath} (field path to decoded value, in template order) if it has
   * this template's shape. The path must have passed {@link #checkPath} first.
   */
  Optional<Map<String, String>> match(String rawPath) {
    if (!rawPath.startsWith("/")) return Optional.empty();
    String rest = rawPath.substring(1);
    if (verb != null) {
      String suffix = ":" + verb;
      if (!rest.endsWith(suffix)) return Optional.empty();
      rest = rest.substring(0, rest.length() - suffix.length());
    }
    String[] parts = rest.split("/", -1);
    if (parts.length != segments.size()) return Optional.empty();
    Map<String, String> vars = new LinkedHashMap<>();
    for (int i = 0; i < parts.length; i++) {
      switch (segments.get(i)) {
        case Segment.Literal l -> {
          if (!l.text().equals(parts[i])) return Optional.empty();
        }
        case Segment.Variable v -> {
          if (parts[i].isEmpty()) return Optional.empty();
          vars.put(v.fieldPath(), decode(parts[i], false));
        }
      }
    }
    return Optional.of(vars);
  }

  /** How specific a match is: a verb beats none, then more literal segments win. */
  int rank() {
    int literals = (int) segments.stream().filter(s -> s instanceof Segment.Literal).count();
    return (verb == null ? 0 : 1000) + literals;
  }

  /** The variables' field paths, in order. */
  List<String> variables() {
    return segments.stream().flatMap(s -> s instanceof Segment.Variable v ? java.util.stream.Stream.of(v.fieldPath()) : java.util.stream.Stream.empty())
        .toList();
  }

  /**
   * Refuses a path no route may see: a bad percent escape, bytes that are not UTF-8, or a
   * {@code .} or {@code ..} segment (raw or encoded), so no value ever walks up a path.
   */
  static void checkPath(String rawPath) {
    for (String segment : rawPath.split("/", -1)) {
      String decoded = decode(segment, false);
      for (String part : decoded.split("/", -1)) {
        if (part.equals(".") || part.equals("..")) {
          throw ApiException.invalid("path: '.' and '..' segments are not allowed: " + rawPath);
        }
      }
    }
  }

  /**
   * Percent-decodes {@code raw} strictly as UTF-8 ({@code plusIsSpace} for query strings); a bad
   * escape or a byte sequence that is not UTF-8 is INVALID_ARGUMENT.
   */
  static String decode(String raw, boolean plusIsSpace) {
    if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) return raw;
    byte[] bytes = new byte[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (lo < 0) throw ApiException.invalid("bad percent-encoding at character " + (i + 1) + " of '" + raw + "'");
        bytes[n++] = (byte) (hi * 16 + lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes[n++] = ' ';
      } else if (c < 0x80) {
        bytes[n++] = (byte) c;
      } else {
        throw ApiException.invalid("bad percent-encoding: '" + raw + "' holds a character that must be encoded");
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, n)).toString();
    } catch (CharacterCodingException e) {
      throw ApiException.invalid("bad percent-encoding: '" + raw + "' is not UTF-8");
    }
  }
}
