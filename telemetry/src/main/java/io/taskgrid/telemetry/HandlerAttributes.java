package io.taskgrid.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.taskgrid.core.ExecutionStatus;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attributes per handler (and per handler and outcome), built once and reused, so recording on
 * the hot path allocates nothing. Handler names come from clients, so at most {@value #MAX}
 * distinct ones get their own attributes; the rest share {@code handler="_other"}.
 */
final class HandlerAttributes {
  static final AttributeKey<String> HANDLER = AttributeKey.stringKey("taskgrid.handler");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("taskgrid.outcome");
  static final int MAX = 500;
  private static final ExecutionStatus[] STATUSES = ExecutionStatus.values();

  /** One handler's attributes. */
  record Bound(Attributes handler, Attributes[] byStatus) {
    Attributes outcome(ExecutionStatus status) {
      return byStatus[status.ordinal()];
    }
  }

  private final ConcurrentHashMap<String, Bound> cache = new ConcurrentHashMap<>();
  private final Bound other = bind("_other");

  Bound of(String handler) {
    Bound b = cache.get(handler);
    if (b != null) return b;
    if (cache.size() >= MAX) return other;
    return cache.computeIfAbsent(handler, HandlerAttributes::bind);
  }

  private static Bound bind(String handler) {
    Attributes base = Attributes.of(HANDLER, handler);
    Attributes[] byStatus = new Attributes[STATUSES.length];
    for (ExecutionStatus s : STATUSES) {
      byStatus[s.ordinal()] = base.toBuilder().put(OUTCOME, s.name().toLowerCase(java.util.Locale.ROOT)).build();
    }
    return new Bound(base, byStatus);
  }
}
