package io.taskgrid.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgrid.client.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Input for a handler or data of an event: bytes and the media type that says how to read them.
 * Used by registered tasks ({@link TaskDefinition#payload()}, {@link Tasks#runNow(String,
 * Payload)}) and events ({@link Events#publish(String, Payload)}).
 *
 * <pre>{@code
 * client.events().publish("user:signup", Payload.json(Map.of("userId", 42)));
 * }</pre>
 *
 * @param data the bytes (copied in and out, so the record stays immutable)
 * @param contentType their media type, for example {@code application/json}
 */
public record Payload(byte[] data, String contentType) {
  private static final String OCTET_STREAM = "application/octet-stream";
  private static final Payload EMPTY = new Payload(new byte[0], OCTET_STREAM);

  /** Copies {@code data}; neither may be null. */
  public Payload {
    data = Objects.requireNonNull(data, "data").clone();
    Objects.requireNonNull(contentType, "contentType");
  }

  /**
   * No bytes.
   *
   * @return an empty payload of type {@code application/octet-stream}
   */
  public static Payload empty() {
    return EMPTY;
  }

  /**
   * Raw bytes with their media type.
   *
   * @param data the bytes (copied)
   * @param contentType their media type, for example {@code application/octet-stream}
   * @return the payload
   */
  public static Payload of(byte[] data, String contentType) {
    return new Payload(data, contentType);
  }

  /**
   * Text, encoded as UTF-8 with media type {@code text/plain; charset=utf-8}.
   *
   * @param text the text
   * @return the payload
   */
  public static Payload text(String text) {
    return new Payload(Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
  }

  /**
   * JSON ({@code application/json}), encoding {@code value} with a default Jackson mapper (modules
   * on the class path are registered).
   *
   * @param value the value to encode
   * @return the payload
   * @throws IllegalArgumentException when Jackson cannot encode the value
   */
  public static Payload json(Object value) {
    return json(value, Json.mapper());
  }

  /**
   * JSON ({@code application/json}), encoding {@code value} with the given mapper.
   *
   * @param value the value to encode
   * @param mapper the mapper to encode with
   * @return the payload
   * @throws IllegalArgumentException when Jackson cannot encode the value
   */
  public static Payload json(Object value, ObjectMapper mapper) {
    Objects.requireNonNull(mapper, "mapper");
    try {
      return new Payload(mapper.writeValueAsBytes(value), "application/json");
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("payload cannot be encoded as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The bytes.
   *
   * @return a copy of the bytes
   */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /**
   * The number of bytes.
   *
   * @return the length of {@link #data()}
   */
  public int size() {
    return data.length;
  }

  /**
   * The bytes as text.
   *
   * @return the bytes decoded as UTF-8
   */
  public String asText() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** Compares the bytes by content. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Payload p && Arrays.equals(data, p.data) && contentType.equals(p.contentType);
  }

  /** Hashes the bytes by content. */
  @Override
  public int hashCode() {
    return Arrays.hashCode(data) * 31 + contentType.hashCode();
  }

  /** The size and media type, not the bytes. */
  @Override
  public String toString() {
    return "Payload[" + data.length + " bytes, " + contentType + "]";
  }
}
