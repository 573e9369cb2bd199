package io.taskgrid.worker.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records handed out by the consumer and not yet done, with the offsets they hold back. "Done"
 * means the execution's outcome is recorded by a coordinator (or was already recorded), never
 * merely that a handler returned.
 */
public final class InFlight {
  private final OffsetTracker offsets = new OffsetTracker();
  private final AtomicInteger count = new AtomicInteger();

  public void started(Delivery d) {
    offsets.started(d.partition(), d.offset());
    count.incrementAndGet();
  }

  public void done(Delivery d) {
    offsets.done(d.partition(), d.offset());
    count.decrementAndGet();
  }

  public int count() {
    return count.get();
  }

  public OffsetTracker offsets() {
    return offsets;
  }
}
