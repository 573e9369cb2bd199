package io.taskgrid.client;

/** A running watch; {@link #close()} stops it. */
public interface Subscription extends AutoCloseable {
  /** Stops receiving updates. Idempotent. */
  @Override
  void close();
}
