package io.taskgrid.core.config;

import java.util.List;
import java.util.Map;

/**
 * How a process calls the coordinators' gRPC API when they are secured: TLS (trusted CA, client
 * certificate for mutual TLS) and a bearer token. {@link #NONE}: plaintext, no token.
 */
public record ApiClientSecurity() {
  /** Plaintext, no token. */
  public static final ApiClientSecurity NONE = new ApiClientSecurity();

  /** Every setting, in README order. */
  public static final List<Setting<?>> SETTINGS = List.of();

  /** Reads every setting from {@code env}. */
  public static ApiClientSecurity fromEnvironment(Map<String, String> env) {
    return NONE;
  }
}
