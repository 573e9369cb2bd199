package io.taskgrid.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One task to submit: a handler name and its input, with options. Immutable; made with {@link
 * #builder(String)}. The coordinator validates every field; this class checks only what cannot be
 * sent at all.
 *
 * <pre>{@code
 * TaskRequest request = TaskRequest.builder("email.send")
 *     .payloadJson(new Email("a@example.com", "Hello"))
 *     .timeout(Duration.ofSeconds(30))
 *     .idempotencyKey("welcome-mail-42")
 *     .build();
 * }</pre>
 */
public final class TaskRequest {
  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  private final String handler;
  private final byte[] payload;
  private final String contentType;
  private final Duration timeout;
  private final Priority priority;
  private final Map<String, String> labels;
  private final String idempotencyKey;

  private TaskRequest(Builder b) {
    this.handler = b.handler;
    this.payload = b.payload;
    this.contentType = b.contentType;
    this.timeout = b.timeout;
    this.priority = b.priority;
    this.labels = Map.copyOf(b.labels);
    this.idempotencyKey = b.idempotencyKey;
  }

  /** Starts a request for the handler registered as {@code handler}. */
  public static Builder builder(String handler) {
    return new Builder(handler);
  }

  /** The handler name. */
  public String handler() {
    return handler;
  }

  /** The payload bytes (a copy). */
  public byte[] payload() {
    return payload.clone();
  }

  /** The payload's media type. */
  public String contentType() {
    return contentType;
  }

  /** The time limit of one attempt, or null for the coordinator's default. */
  public Duration timeout() {
    return timeout;
  }

  /** The priority. */
  public Priority priority() {
    return priority;
  }

  /** The labels. */
  public Map<String, String> labels() {
    return labels;
  }

  /** The idempotency key, or null. */
  public String idempotencyKey() {
    return idempotencyKey;
  }

  /** Builds a {@link TaskRequest}. */
  public static final class Builder {
    private final String handler;
    private byte[] payload = new byte[0];
    private String contentType = "application/octet-stream";
    private Duration timeout;
    private Priority priority = Priority.MEDIUM;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String idempotencyKey;

    private Builder(String handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** Raw payload bytes with their media type. */
    public Builder payload(byte[] data, String contentType) {
      this.payload = Objects.requireNonNull(data, "data").clone();
      this.contentType = Objects.requireNonNull(contentType, "contentType");
      return this;
    }

    /** A UTF-8 text payload ({@code text/plain; charset=utf-8}). */
    public Builder payloadText(String text) {
      return payload(Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }

    /** {@code value} encoded as JSON ({@code application/json}). */
    public Builder payloadJson(Object value) {
      try {
        return payload(JSON.writeValueAsBytes(value), "application/json");
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("payload cannot be encoded as JSON: " + e.getMessage(), e);
      }
    }

    /** Time limit of one attempt; must not be negative. */
    public Builder timeout(Duration timeout) {
      if (timeout != null && timeout.isNegative()) throw new IllegalArgumentException("timeout must not be negative: " + timeout);
      this.timeout = timeout;
      return this;
    }

    /** Urgency; MEDIUM by default. */
    public Builder priority(Priority priority) {
      this.priority = Objects.requireNonNull(priority, "priority");
      return this;
    }

    /** Adds a label. */
    public Builder label(String key, String value) {
      labels.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Makes the submission safe to repeat: the cluster accepts one task per key. */
    public Builder idempotencyKey(String key) {
      this.idempotencyKey = key;
      return this;
    }

    /** The request. */
    public TaskRequest build() {
      return new TaskRequest(this);
    }
  }
}
