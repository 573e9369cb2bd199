package io.taskgrid.worker.internal;

import io.taskgrid.core.Priority;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * What waits for a handler slot, taken highest priority first (first come first within a
 * priority), except that every {@code oldestEvery}-th take is the item that has waited longest,
 * whatever its priority. That exception is the rule against starvation: however much higher work
 * keeps arriving, lower priorities get at least one take in {@code oldestEvery}, and an item with
 * {@code k} items older than it waiting is taken within {@code oldestEvery * (k + 1)} takes (items
 * that arrive later are never older).
 *
 * <p>Age is the order of arrival, not wall time, so the rule needs no clock and a test steps it
 * take by take. An item put back (a claim to retry later) arrives anew. Thread-safe: the consumer
 * and the claim retries add, the dispatcher takes.
 */
final class PriorityInbox<T> {
  /** One take in this many goes to the oldest item. */
  static final int OLDEST_EVERY = 10;

  private record Waiting<T>(long arrival, T item) {}

  private final Function<T, Priority> priorityOf;
  private final int oldestEvery;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  /** One queue per priority, by ordinal: CRITICAL first. */
  private final ArrayDeque<Waiting<T>>[] queues;
  private long arrivals;
  private long takes;
  private int size;

  PriorityInbox(Function<T, Priority> priorityOf) {
    this(priorityOf, OLDEST_EVERY);
  }

  @SuppressWarnings("unchecked")
  PriorityInbox(Function<T, Priority> priorityOf, int oldestEvery) {
    if (oldestEvery < 2) throw new IllegalArgumentException("oldestEvery must be at least 2, got " + oldestEvery);
    this.priorityOf = priorityOf;
    this.oldestEvery = oldestEvery;
    this.queues = new ArrayDeque[Priority.values().length];
    for (int i = 0; i < queues.length; i++) queues[i] = new ArrayDeque<>();
  }

  void add(T item) {
    Priority p = priorityOf.apply(item);
    lock.lock();
    try {
      queues[p.ordinal()].addLast(new Waiting<>(arrivals++, item));
      size++;
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The next item, or null when none waits. */
  T poll() {
    lock.lock();
    try {
      return size == 0 ? null : take();
    } finally {
      lock.unlock();
    }
  }

  /** The next item, waiting up to {@code timeout} for one; null when none came. */
  T poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (size == 0) {
        if (nanos <= 0) return null;
        nanos = notEmpty.awaitNanos(nanos);
      }
      return take();
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  void clear() {
    lock.lock();
    try {
      for (ArrayDeque<Waiting<T>> q : queues) q.clear();
      size = 0;
    } finally {
      lock.unlock();
    }
  }

  private T take() {
    takes++;
    ArrayDeque<Waiting<T>> from = takes % oldestEvery == 0 ? oldest() : highest();
    size--;
    return from.pollFirst().item();
  }

  private ArrayDeque<Waiting<T>> highest() {
    for (ArrayDeque<Waiting<T>> q : queues) {
      if (!q.isEmpty()) return q;
    }
    throw new IllegalStateException("empty");
  }

  /** Each queue is in arrival order, so the oldest item heads one of them. */
  private ArrayDeque<Waiting<T>> oldest() {
    ArrayDeque<Waiting<T>> best = null;
    for (ArrayDeque<Waiting<T>> q : queues) {
      if (!q.isEmpty() && (best == null || q.peekFirst().arrival() < best.peekFirst().arrival())) best = q;
    }
    return best;
  }
}
