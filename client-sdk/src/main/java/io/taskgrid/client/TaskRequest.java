package io.taskgrid.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgrid.client.internal.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One task to submit: the name of a handler and its input, with options. Immutable and
 * thread-safe; made with {@link #builder(String)} and reusable for any number of submissions.
 *
 * <pre>{@code
 * TaskRequest request = TaskRequest.builder("email.send")
 *     .payloadJson(new Email("a@example.com", "Hello"))
 *     .timeout(Duration.ofSeconds(30))
 *     .priority(Priority.HIGH)
 *     .label("tenant", "acme")
 *     .idempotencyKey("welcome-mail-42")
 *     .build();
 * }</pre>
 *
 * <p>The builder rejects only what cannot be sent at all (nulls, a negative timeout). The
 * coordinator is the authority on everything else (handler syntax, payload size, label limits) and
 * answers a bad request with a {@link TaskgridInvalidArgumentException} naming the field.
 */
public final class TaskRequest {
  private final String handler;
  private final byte[] payload;
  private final String contentType;
  private final Duration timeout;
  private final Priority priority;
  private final Map<String, String> labels;
  private final String idempotencyKey;
  private final ConcurrencyPolicy concurrency;
  private final RateLimitPolicy rateLimit;
  private final RetryPolicy retry;
  private final String circuitBreakerKey;

  private TaskRequest(Builder b) {
    this.circuitBreakerKey = b.circuitBreakerKey;
    this.concurrency = b.concurrency;
    this.rateLimit = b.rateLimit;
    this.retry = b.retry;
    this.handler = b.handler;
    this.payload = b.payload;
    this.contentType = b.contentType;
    this.timeout = b.timeout;
    this.priority = b.priority;
    this.labels = Map.copyOf(b.labels);
    this.idempotencyKey = b.idempotencyKey;
  }

  /**
   * Starts a request for a handler.
   *
   * @param handler the name the handler is registered under on the workers, for example {@code
   *     email.send}
   * @return a builder with an empty payload, MEDIUM priority and the coordinator's default timeout
   * @throws NullPointerException when {@code handler} is null
   */
  public static Builder builder(String handler) {
    return new Builder(handler);
  }

  /**
   * The handler name.
   *
   * @return the name given to {@link #builder(String)}
   */
  public String handler() {
    return handler;
  }

  /**
   * The payload bytes.
   *
   * @return a copy of the bytes; empty when no payload was set
   */
  public byte[] payload() {
    return payload.clone();
  }

  /**
   * The payload's media type.
   *
   * @return for example {@code application/json}; {@code application/octet-stream} by default
   */
  public String contentType() {
    return contentType;
  }

  /**
   * The time limit of one attempt.
   *
   * @return the limit, or empty for the coordinator's default
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * The priority.
   *
   * @return the priority; MEDIUM by default
   */
  public Priority priority() {
    return priority;
  }

  /**
   * The labels.
   *
   * @return an unmodifiable map, empty by default
   */
  public Map<String, String> labels() {
    return labels;
  }

  /**
   * The idempotency key.
   *
   * @return the key, or empty when none was set
   */
  public Optional<String> idempotencyKey() {
    return Optional.ofNullable(idempotencyKey);
  }

  /**
   * What happens when an attempt fails.
   *
   * @return the retry policy, or empty for the handler's default on its workers (no retry unless
   *     the worker sets one)
   */
  public Optional<RetryPolicy> retry() {
    return Optional.ofNullable(retry);
  }

  /**
   * The concurrency limit of this execution, if one is set.
   *
   * @return the policy, or empty for the handler's default on the worker
   */
  public Optional<ConcurrencyPolicy> concurrency() {
    return Optional.ofNullable(concurrency);
  }

  /**
   * The rate limit of this execution, if one is set.
   *
   * @return the policy, or empty for the handler's default on the worker
   */
  public Optional<RateLimitPolicy> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }

  /**
   * The key of the circuit breaker that guards this execution, if one is set.
   *
   * @return the key, or empty for the handler's own breaker
   */
  public Optional<String> circuitBreakerKey() {
    return Optional.ofNullable(circuitBreakerKey);
  }

  /** The handler and options, without the payload bytes. */
  @Override
  public String toString() {
    return "TaskRequest[handler=" + handler + ", payload=" + payload.length + " bytes " + contentType
        + (timeout == null ? "" : ", timeout=" + timeout) + ", priority=" + priority
        + (labels.isEmpty() ? "" : ", labels=" + labels)
        + (idempotencyKey == null ? "" : ", idempotencyKey=" + idempotencyKey) + (retry == null ? "" : ", retry=" + retry) + "]";
  }

  /** Builds a {@link TaskRequest}. Not thread-safe; {@link #build()} may be called repeatedly. */
  public static final class Builder {
    private final String handler;
    private byte[] payload = new byte[0];
    private String contentType = "application/octet-stream";
    private Duration timeout;
    private Priority priority = Priority.MEDIUM;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String idempotencyKey;
    private ConcurrencyPolicy concurrency;
    private RateLimitPolicy rateLimit;
    private RetryPolicy retry;
    private String circuitBreakerKey;

    private Builder(String handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Sets raw payload bytes with their media type.
     *
     * @param data the bytes (copied)
     * @param contentType their media type, for example {@code application/octet-stream}
     * @return this builder
     */
    public Builder payload(byte[] data, String contentType) {
      this.payload = Objects.requireNonNull(data, "data").clone();
      this.contentType = Objects.requireNonNull(contentType, "contentType");
      return this;
    }

    /**
     * Sets a text payload, encoded as UTF-8 with media type {@code text/plain; charset=utf-8}.
     *
     * @param text the text
     * @return this builder
     */
    public Builder payloadText(String text) {
      return payload(Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }

    /**
     * Sets a JSON payload ({@code application/json}), encoding {@code value} with a default Jackson
     * mapper (modules on the class path are registered).
     *
     * @param value the value to encode
     * @return this builder
     * @throws IllegalArgumentException when Jackson cannot encode the value
     */
    public Builder payloadJson(Object value) {
      return payloadJson(value, Json.mapper());
    }

    /**
     * Sets a JSON payload ({@code application/json}), encoding {@code value} with the given mapper.
     *
     * @param value the value to encode
     * @param mapper the mapper to encode with
     * @return this builder
     * @throws IllegalArgumentException when Jackson cannot encode the value
     */
    public Builder payloadJson(Object value, ObjectMapper mapper) {
      Objects.requireNonNull(mapper, "mapper");
      try {
        return payload(mapper.writeValueAsBytes(value), "application/json");
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("payload cannot be encoded as JSON: " + e.getOriginalMessage(), e);
      }
    }

    /**
     * Sets the time limit of one attempt of the handler. Zero or null means the coordinator's
     * default (5 minutes unless configured); the coordinator allows at most 24 hours.
     *
     * @param timeout the limit
     * @return this builder
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public Builder timeout(Duration timeout) {
      if (timeout != null && timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
      }
      this.timeout = timeout == null || timeout.isZero() ? null : timeout;
      return this;
    }

    /**
     * Sets the urgency.
     *
     * @param priority the priority; MEDIUM by default
     * @return this builder
     */
    public Builder priority(Priority priority) {
      this.priority = Objects.requireNonNull(priority, "priority");
      return this;
    }

    /**
     * Adds a label kept with the execution, replacing one of the same key.
     *
     * @param key the key
     * @param value the value
     * @return this builder
     */
    public Builder label(String key, String value) {
      labels.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Adds labels, replacing those of the same keys.
     *
     * @param labels the labels to add
     * @return this builder
     */
    public Builder labels(Map<String, String> labels) {
      Objects.requireNonNull(labels, "labels").forEach(this::label);
      return this;
    }

    /**
     * Makes the submission safe to repeat: while the coordinator retains the key (24 hours by
     * default), submitting it again returns the first execution, marked {@link
     * TaskHandle#duplicate()}, and queues nothing. It also lets the client retry the submission on
     * another coordinator when one is unreachable. Null or empty means no key.
     *
     * @param key at most 128 printable ASCII characters
     * @return this builder
     */
    public Builder idempotencyKey(String key) {
      this.idempotencyKey = key == null || key.isEmpty() ? null : key;
      return this;
    }

    /**
     * Limits how many executions sharing the policy's key run at once (it must name a key).
     *
     * @param policy the limit and what happens to an execution over it; null for none
     * @return this builder
     */
    public Builder concurrency(ConcurrencyPolicy policy) {
      this.concurrency = policy;
      return this;
    }

    /**
     * Limits how many executions sharing the policy's key start per period, cluster-wide.
     *
     * @param policy the budget and what happens to an execution over it; null for none
     * @return this builder
     */
    public Builder rateLimit(RateLimitPolicy policy) {
      this.rateLimit = policy;
      return this;
    }

    /**
     * Retries failed attempts by this policy; it replaces the handler's default retry policy.
     *
     * @param policy the policy, or null for the handler's default
     * @return this builder
     */
    public Builder retry(RetryPolicy policy) {
      this.retry = policy;
      return this;
    }

    /**
     * Guards this execution with the handler's circuit breaker for this key instead of the
     * handler's own, for example one breaker per tenant or per downstream host.
     *
     * @param key at most 256 characters, no control characters; null or empty for the handler's
     *     own breaker
     * @return this builder
     */
    public Builder circuitBreakerKey(String key) {
      this.circuitBreakerKey = key == null || key.isEmpty() ? null : key;
      return this;
    }

    /**
     * Builds the request.
     *
     * @return an immutable request
     */
    public TaskRequest build() {
      return new TaskRequest(this);
    }
  }
}
