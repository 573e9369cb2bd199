package io.taskgrid.core.config;

/**
 * A configuration value Taskgrid cannot run with. The message names the environment variable, says
 * what it must be and shows the value: {@code TASKGRID_CLAIM_LEASE must be at least 1s, got
 * '500ms'}, whether the value came from the environment or from a {@code with*} method in code.
 *
 * <p>An {@link IllegalArgumentException}, as builders that reject bad values usually throw, so the
 * process mains and callers that catch that keep working.
 */
public final class ConfigException extends IllegalArgumentException {
  private final String variable;

  /**
   * @param variable the environment variable, e.g. {@code TASKGRID_CLAIM_LEASE}
   * @param problem what the value must be, e.g. {@code must be at least 1s}
   * @param shown the value as it may be shown (secrets already masked)
   */
  public ConfigException(String variable, String problem, String shown) {
    super(variable + " " + problem + ", got '" + shown + "'");
    this.variable = variable;
  }

  /** The environment variable whose value is wrong. */
  public String variable() {
    return variable;
  }
}
