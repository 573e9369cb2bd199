package io.taskgrid.core;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Bytes with the media type that says how to read them. Immutable: the array is copied. */
public record Payload(byte[] data, String contentType) {
  private static final Pattern MEDIA_TYPE =
      Pattern.compile("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+( *;[ -~]*)?");
  public static final String OCTET_STREAM = "application/octet-stream";
  public static final String TEXT = "text/plain; charset=utf-8";
  public static final String JSON = "application/json";
  private static final byte[] NO_BYTES = new byte[0];
  public static final Payload EMPTY = new Payload(new byte[0], OCTET_STREAM);

  public Payload {
    data = data == null || data.length == 0 ? NO_BYTES : data.clone();
    contentType = contentType == null || contentType.isEmpty() ? OCTET_STREAM : contentType;
    // the common types skip the pattern: results and payloads are read back on every task
    boolean common = contentType.equals(OCTET_STREAM) || contentType.equals(JSON) || contentType.equals(TEXT);
    if (!common && (contentType.length() > 255 || !MEDIA_TYPE.matcher(contentType).matches())) {
      throw new InvalidArgumentException(
          "payload.content_type",
          "must be a media type such as application/json, got " + InvalidArgumentException.quote(contentType));
    }
  }

  public static Payload text(String text) {
    return new Payload(text.getBytes(StandardCharsets.UTF_8), TEXT);
  }

  /** The bytes (a copy). */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /** The bytes without copying, for adapters that only read them. */
  public byte[] unsafeData() {
    return data;
  }

  public int size() {
    return data.length;
  }

  public String asText() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** Rejects a payload larger than {@code maxBytes}, naming {@code field}. */
  public Payload requireAtMost(String field, int maxBytes) {
    if (data.length > maxBytes) {
      throw new InvalidArgumentException(
          field, "is " + data.length + " bytes, over the limit of " + maxBytes + " bytes");
    }
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Payload p && java.util.Arrays.equals(data, p.data) && contentType.equals(p.contentType);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(data) + contentType.hashCode();
  }

  @Override
  public String toString() {
    return "Payload[" + data.length + " bytes, " + contentType + "]";
  }
}
