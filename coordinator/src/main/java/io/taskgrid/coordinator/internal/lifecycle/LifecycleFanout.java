package io.taskgrid.coordinator.internal.lifecycle;

import io.taskgrid.proto.v1.LifecycleEvent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Hands each lifecycle event to the open streams whose filter it passes. Each stream has a
 * buffer of at most {@code capacity} events between the feed and its client: while the client's
 * transport is not ready, events wait there; a stream whose buffer is full is ended with {@link
 * Sink#overflowed()} and dropped, so one slow client neither slows the others nor grows memory.
 * {@link Activity} hears when the first stream opens and the last one ends, so that the topic is
 * read only while someone watches.
 */
public final class LifecycleFanout {
  /** Where one stream's events go (a gRPC response stream). Called under the stream's lock. */
  public interface Sink {
    /** Whether the transport takes another event now without queueing it. */
    boolean isReady();

    void send(LifecycleEvent event);

    /** The buffer filled: end the stream with an error saying so. */
    void overflowed();

    /** The fan-out closes: end the stream normally. */
    void completed();

    /** The events stopped coming (the topic cannot be read): end the stream with an error saying so. */
    void unavailable();
  }

  /** Hears whether any stream is open. */
  public interface Activity {
    void firstOpened();

    void lastClosed();
  }

  private final int capacity;
  private final Activity activity;
  private final List<Subscription> open = new CopyOnWriteArrayList<>();
  private boolean closed;

  public LifecycleFanout(int capacity, Activity activity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be positive");
    this.capacity = capacity;
    this.activity = activity;
  }

  /** Opens a stream; it receives events published from now on that pass {@code filter}. */
  public Subscription open(LifecycleFilter filter, Sink sink) {
    Subscription s = new Subscription(filter, sink);
    boolean first;
    synchronized (this) {
      if (closed) {
        s.end(true);
        return s;
      }
      first = open.isEmpty();
      open.add(s);
      if (first) activity.firstOpened();
    }
    return s;
  }

  /** Streams open now. */
  public int size() {
    return open.size();
  }

  /** Gives {@code event} to every open stream whose filter it passes. */
  public void publish(LifecycleEvent event) {
    for (Subscription s : open) {
      if (s.filter.matches(event)) s.offer(event);
    }
  }

  /** Ends every stream normally; streams opened later end at once. */
  public void close() {
    List<Subscription> all;
    synchronized (this) {
      if (closed) return;
      closed = true;
      all = List.copyOf(open);
    }
    for (Subscription s : all) s.end(true);
  }

  /** Ends every open stream with {@link Sink#unavailable()}; streams opened later are served again. */
  public void failAll() {
    for (Subscription s : List.copyOf(open)) s.fail();
  }

  private void remove(Subscription s) {
    synchronized (this) {
      if (open.remove(s) && open.isEmpty()) activity.lastClosed();
    }
  }

  /** One open stream. */
  public final class Subscription {
    private final LifecycleFilter filter;
    private final Sink sink;
    private final ArrayDeque<LifecycleEvent> buffer = new ArrayDeque<>();
    private boolean ended;

    private Subscription(LifecycleFilter filter, Sink sink) {
      this.filter = filter;
      this.sink = sink;
    }

    private void offer(LifecycleEvent event) {
      synchronized (this) {
        if (ended) return;
        if (buffer.isEmpty() && sink.isReady()) {
          sink.send(event);
          return;
        }
        if (buffer.size() < capacity) {
          buffer.add(event);
          drainLocked();
          return;
        }
      }
      overflow();
    }

    /** Sends what is buffered while the transport is ready (call when it becomes ready). */
    public void drain() {
      synchronized (this) {
        if (!ended) drainLocked();
      }
    }

    private void drainLocked() {
      while (!buffer.isEmpty() && sink.isReady()) sink.send(buffer.poll());
    }

    /** Events waiting for the client now. */
    public synchronized int buffered() {
      return buffer.size();
    }

    public synchronized boolean isEnded() {
      return ended;
    }

    private void overflow() {
      synchronized (this) {
        if (ended) return;
        ended = true;
        buffer.clear();
        sink.overflowed();
      }
      remove(this);
    }

    private void fail() {
      synchronized (this) {
        if (ended) return;
        ended = true;
        buffer.clear();
        sink.unavailable();
      }
      remove(this);
    }

    /** The client went away: drop the stream without telling it anything. */
    public void cancel() {
      synchronized (this) {
        ended = true;
        buffer.clear();
      }
      remove(this);
    }

    private void end(boolean complete) {
      synchronized (this) {
        if (ended) return;
        ended = true;
        buffer.clear();
        if (complete) sink.completed();
      }
      remove(this);
    }
  }
}
