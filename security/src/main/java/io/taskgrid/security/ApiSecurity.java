package io.taskgrid.security;

import io.taskgrid.core.config.Setting;
import java.util.List;
import java.util.Map;

/**
 * How a coordinator secures its API ports (gRPC, HTTP/JSON, dashboard): TLS, authentication and
 * authorization. {@link #NONE}: plaintext, no authentication.
 */
public record ApiSecurity() {
  /** Plaintext, anyone may call anything. */
  public static final ApiSecurity NONE = new ApiSecurity();

  /** Every setting, in README order. */
  public static final List<Setting<?>> SETTINGS = List.of();

  /** Reads every setting from {@code env}. */
  public static ApiSecurity fromEnvironment(Map<String, String> env) {
    return NONE;
  }
}
