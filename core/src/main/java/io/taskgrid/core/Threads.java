package io.taskgrid.core;

/** Small helpers for the background loops of coordinators and workers. */
public final class Threads {
  private Threads() {}

  /**
   * Sleeps {@code ms} milliseconds; an interrupt ends the sleep early and stays set on the thread,
   * for the loop to see when it checks whether to go on.
   */
  public static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
