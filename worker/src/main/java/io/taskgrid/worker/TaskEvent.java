package io.taskgrid.worker;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The event that triggered an execution of an event-triggered task.
 *
 * @param name the event's name, e.g. {@code user:signup}
 * @param contentType media type of {@code data} ({@code application/json} unless the publisher said
 *     otherwise)
 * @param publishedAt when it was published (its Kafka record's timestamp)
 */
public record TaskEvent(String name, byte[] data, String contentType, Instant publishedAt) {
  public TaskEvent {
    data = data.clone();
  }

  /** The data (a copy). */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /** The data as UTF-8 text. */
  public String dataText() {
    return new String(data, StandardCharsets.UTF_8);
  }
}
