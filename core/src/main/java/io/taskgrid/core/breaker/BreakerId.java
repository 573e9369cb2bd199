package io.taskgrid.core.breaker;

import java.util.Objects;

/**
 * Which circuit breaker: a handler's own ({@code key} empty) or the handler's breaker for one
 * {@code circuit_breaker_key}.
 */
public record BreakerId(String handler, String key) {
  public BreakerId {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(key, "key");
    if (handler.isEmpty()) throw new IllegalArgumentException("handler must not be empty");
  }

  /** {@code handler} or {@code handler[key]}, for messages. */
  @Override
  public String toString() {
    return key.isEmpty() ? handler : handler + "[" + key + "]";
  }
}
