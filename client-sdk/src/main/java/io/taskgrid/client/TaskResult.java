package io.taskgrid.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgrid.client.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a handler returned: bytes and the media type that says how to read them.
 *
 * @param data the bytes (copied in and out, so the record stays immutable)
 * @param contentType their media type, for example {@code application/json}; empty means {@code
 *     application/octet-stream}
 */
public record TaskResult(byte[] data, String contentType) {
  /** Copies {@code data}; a null array or content type is read as empty. */
  public TaskResult {
    data = data == null ? new byte[0] : data.clone();
    contentType = contentType == null ? "" : contentType;
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

  /**
   * The bytes decoded from JSON with a default Jackson mapper (modules on the class path are
   * registered).
   *
   * @param type the class to decode into
   * @param <T> the type to decode into
   * @return the decoded value
   * @throws TaskgridException when the bytes are not JSON of that type
   */
  public <T> T asJson(Class<T> type) {
    return asJson(type, Json.mapper());
  }

  /**
   * The bytes decoded from JSON with the given Jackson mapper.
   *
   * @param type the class to decode into
   * @param mapper the mapper to decode with
   * @param <T> the type to decode into
   * @return the decoded value
   * @throws TaskgridException when the bytes are not JSON of that type
   */
  public <T> T asJson(Class<T> type, ObjectMapper mapper) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mapper, "mapper");
    try {
      return mapper.readValue(data, type);
    } catch (IOException e) {
      throw new TaskgridException("result is not a JSON " + type.getSimpleName() + ": " + e.getMessage(), false, e);
    }
  }

  /** Compares the bytes by content. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TaskResult r && Arrays.equals(data, r.data) && contentType.equals(r.contentType);
  }

  /** Hashes the bytes by content. */
  @Override
  public int hashCode() {
    return Arrays.hashCode(data) * 31 + contentType.hashCode();
  }

  /** The size and media type, not the bytes. */
  @Override
  public String toString() {
    return "TaskResult[" + data.length + " bytes, " + (contentType.isEmpty() ? "application/octet-stream" : contentType) + "]";
  }
}
