package io.taskgrid.client;

/**
 * What a registered task does with the fires it missed while no coordinator was leading. A fire
 * at most the cluster's misfire grace late (60 seconds by default) is not missed: it runs
 * normally.
 */
public enum MisfirePolicy {
  /** Missed fires are dropped; the task runs at its next fire time. */
  SKIP,
  /** Missed fires run once, together, as soon as a coordinator leads. The default. */
  FIRE_ONCE,
  /**
   * Every missed fire within the {@linkplain TaskDefinition#catchUpWindow() catch-up window} runs,
   * oldest first.
   */
  CATCH_UP
}
