package io.taskgrid.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a handler returned: bytes and their media type.
 *
 * @param data the bytes
 * @param contentType their media type, e.g. {@code application/json}
 */
public record TaskResult(byte[] data, String contentType) {
  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  /** Copies {@code data}. */
  public TaskResult {
    data = data == null ? new byte[0] : data.clone();
    contentType = contentType == null ? "" : contentType;
  }

  /** The bytes (a copy). */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /** The bytes as UTF-8 text. */
  public String asText() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** The bytes decoded from JSON into {@code type}. */
  public <T> T asJson(Class<T> type) {
    try {
      return JSON.readValue(data, type);
    } catch (IOException e) {
      throw new TaskgridException("result is not a JSON " + type.getSimpleName() + ": " + e.getMessage(), false, e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskResult r && Arrays.equals(data, r.data) && contentType.equals(r.contentType);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data) * 31 + contentType.hashCode();
  }

  @Override
  public String toString() {
    return "TaskResult[" + data.length + " bytes, " + contentType + "]";
  }
}
