package io.taskgrid.worker.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records handed out by the consumer and not yet done, with the offsets they hold back, counted
 * per topic (each priority has its own budget, see {@link TopicPauses}). "Done" means the
 * execution's outcome is recorded by a coordinator (or was already recorded), never merely that a
 * handler returned.
 */
public final class InFlight {
  private final OffsetTracker offsets = new OffsetTracker();
  private final AtomicInteger count = new AtomicInteger();
  private final Map<String, AtomicInteger> byTopic = new ConcurrentHashMap<>();

  public void started(Delivery d) {
    offsets.started(d.partition(), d.offset());
    count.incrementAndGet();
    byTopic.computeIfAbsent(d.partition().topic(), t -> new AtomicInteger()).incrementAndGet();
  }

  public void done(Delivery d) {
    offsets.done(d.partition(), d.offset());
    count.decrementAndGet();
    byTopic.get(d.partition().topic()).decrementAndGet();
  }

  public int count() {
    return count.get();
  }

  /** Records of {@code topic} in flight. */
  public int count(String topic) {
    AtomicInteger n = byTopic.get(topic);
    return n == null ? 0 : n.get();
  }

  public OffsetTracker offsets() {
    return offsets;
  }
}
