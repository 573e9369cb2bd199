package io.taskgrid.core.config;

import java.util.List;
import java.util.Map;

/**
 * How coordinators and workers connect to Kafka and Redis when those require TLS or credentials.
 * {@link #NONE}: plaintext Kafka; Redis as its URL says.
 */
public record InfraSecurity() {
  /** Plaintext Kafka, Redis as its URL says. */
  public static final InfraSecurity NONE = new InfraSecurity();

  /** Every setting, in README order. */
  public static final List<Setting<?>> SETTINGS = List.of();

  /** Reads every setting from {@code env}. */
  public static InfraSecurity fromEnvironment(Map<String, String> env) {
    return NONE;
  }
}
