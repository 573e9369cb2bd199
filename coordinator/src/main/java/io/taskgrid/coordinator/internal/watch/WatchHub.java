package io.taskgrid.coordinator.internal.watch;

import io.taskgrid.coordinator.internal.store.ExecutionRecord;
import io.taskgrid.coordinator.internal.store.ExecutionStore;
import io.taskgrid.coordinator.internal.store.ExecutionStore.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells local watchers about changes of the executions they watch, wherever in the cluster the
 * change was recorded. Changes arrive in batches on the store's change feed; a terminal change
 * carries the execution's record, which is handed to the watchers as it is. Changes without a
 * record (a large result, or a non-terminal status that a watcher wants in full) are re-read in
 * batches.
 *
 * <p>Changes published while the feed's connection is down are lost, so when the feed is
 * resubscribed every watched execution is read again; and a periodic sweep re-reads watched
 * executions as a safety net: first once the sweep interval has passed, then at gaps that double
 * with the time watched, up to {@link #MAX_SWEEP_GAP} (see {@link #nextSweep}). A client waiting
 * on a backlog of 10,000 queued tasks so costs Redis a few reads per task instead of one per task
 * every interval.
 */
public final class WatchHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WatchHub.class);
  private static final int MAX_BATCH = 2000;
  /** The longest a watched execution goes without a sweep re-reading it. */
  static final Duration MAX_SWEEP_GAP = Duration.ofSeconds(60);

  /** Receives states of one execution; returns true when it wants no more. */
  public interface Watcher {
    boolean onState(ExecutionRecord record);

    /** True when only terminal states interest it, so non-terminal changes need not be read. */
    default boolean terminalOnly() {
      return false;
    }

    /** The execution is not known. */
    void onNotFound(String executionId);

    /** Output lines of the execution's running program (process tasks), as they come; ignored by default. */
    default void onOutput(List<io.taskgrid.proto.v1.OutputLine> lines) {}

    /**
     * Where this watcher gathers what it is handed, when it sends in batches; null (the default)
     * when it sends each state as it comes. The hub flushes each batch once after handing over the
     * states of one batch of changes or of one read, so that states ready together leave together.
     */
    default Batch batch() {
      return null;
    }
  }

  /** What watchers that send in batches gather into (several watchers may share one). */
  public interface Batch {
    /** Sends what was gathered since the last flush, if anything. */
    void flush();
  }

  /** The batches the watchers handed states in one round gathered into; flushed at the round's end. */
  private static final class Round {
    private Set<Batch> batches;

    void touched(Watcher w) {
      Batch b = w.batch();
      if (b == null) return;
      if (batches == null) batches = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      batches.add(b);
    }

    void end() {
      if (batches == null) return;
      for (Batch b : batches) {
        try {
          b.flush();
        } catch (RuntimeException e) {
          log.warn("Flushing a watch batch failed", e);
        }
      }
      batches = null;
    }
  }

  /** The watchers of one execution, since when (nanoTime) it is watched, and when the sweep reads it next. */
  private record Watched(Set<Watcher> watchers, long since, java.util.concurrent.atomic.AtomicLong due) {
    boolean terminalOnly() {
      for (Watcher w : watchers) if (!w.terminalOnly()) return false;
      return true;
    }
  }

  private final ExecutionStore store;
  private final long sweepNanos;
  private final Map<String, Watched> watched = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<String> toRead = new LinkedBlockingQueue<>();
  private final AtomicBoolean fullSweepWanted = new AtomicBoolean();
  private final Thread fetcher;
  private final ScheduledExecutorService sweeper;
  private volatile boolean closed;

  /** Whether the fetch loop runs (for liveness). */
  public boolean isAlive() {
    return fetcher.isAlive();
  }

  public WatchHub(ExecutionStore store, Duration sweepInterval) {
    this.store = store;
    this.sweepNanos = sweepInterval.toNanos();
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("tg-coordinator-watch-sweep").daemon().unstarted(r));
    this.fetcher = Thread.ofPlatform().name("tg-coordinator-watch-fetch").daemon().start(this::fetchLoop);
    store.onChange(new ExecutionStore.ChangeListener() {
      @Override
      public void changed(List<Snapshot> changes) {
        Round round = new Round();
        try {
          for (Snapshot s : changes) onChange(s, round);
        } finally {
          round.end();
        }
      }

      @Override
      public void resubscribed() {
        if (!watched.isEmpty()) {
          log.info("Change feed resubscribed; reading the {} watched executions again", watched.size());
          fullSweepWanted.set(true);
          sweeper.execute(WatchHub.this::sweep);
        }
      }
    });
    sweeper.scheduleWithFixedDelay(this::sweep, sweepNanos, sweepNanos, TimeUnit.NANOSECONDS);
  }

  /** Hands the output lines published on {@code feed} to the watchers of their executions. */
  public WatchHub output(OutputFeed feed) {
    feed.subscribe(this::onOutput);
    return this;
  }

  private void onOutput(List<io.taskgrid.proto.v1.OutputLine> lines) {
    Map<String, List<io.taskgrid.proto.v1.OutputLine>> byExecution = new java.util.LinkedHashMap<>();
    for (var line : lines) {
      if (watched.containsKey(line.getExecutionId())) byExecution.computeIfAbsent(line.getExecutionId(), k -> new ArrayList<>()).add(line);
    }
    byExecution.forEach((id, mine) -> {
      Watched w = watched.get(id);
      if (w == null) return;
      for (Watcher watcher : w.watchers()) {
        try {
          watcher.onOutput(mine);
        } catch (RuntimeException e) {
          log.debug("Watcher of {} refused output: {}", id, e.toString());
        }
      }
    });
  }

  private void onChange(Snapshot s, Round round) {
    Watched w = watched.get(s.executionId());
    if (w == null) return;
    if (s.record().isPresent()) {
      deliverAll(w, s.record().get(), round);
    } else if (s.status().isTerminal() || !w.terminalOnly()) {
      toRead.add(s.executionId());
    }
  }

  /** Starts watching one execution; the watcher first receives its current state. */
  public void watch(String executionId, Watcher watcher) {
    watchAll(Map.of(executionId, watcher), watcher.terminalOnly());
  }

  /**
   * Starts watching several executions with one read of their current states. Each watcher
   * receives the current state of its execution (with {@code terminalOnly}, only a terminal one),
   * or {@link Watcher#onNotFound} when it does not exist.
   */
  public void watchAll(Map<String, ? extends Watcher> watchers, boolean terminalOnly) {
    if (watchers.isEmpty()) return;
    long now = System.nanoTime();
    watchers.forEach((id, w) -> watched.compute(id, (k, cur) -> {
      Watched next = cur != null ? cur : new Watched(ConcurrentHashMap.newKeySet(), now,
          new java.util.concurrent.atomic.AtomicLong(now + sweepNanos));
      next.watchers().add(w);
      return next;
    }));
    store.read(watchers.keySet(), terminalOnly).whenComplete((found, error) -> {
      if (error != null) return; // the sweep reads them again
      Round round = new Round();
      try {
        watchers.forEach((id, w) -> {
          Snapshot s = found.get(id);
          if (s == null) {
            unwatch(id, w);
            round.touched(w);
            w.onNotFound(id);
          } else {
            s.record().ifPresent(r -> deliver(id, w, r, round));
          }
        });
      } finally {
        round.end();
      }
    });
  }

  public void unwatch(String executionId, Watcher watcher) {
    watched.computeIfPresent(executionId, (k, w) -> {
      w.watchers().remove(watcher);
      return w.watchers().isEmpty() ? null : w;
    });
  }

  /** How many executions are watched now. */
  public int watchedCount() {
    return watched.size();
  }

  private void deliverAll(Watched w, ExecutionRecord record, Round round) {
    for (Watcher watcher : w.watchers()) deliver(record.executionId(), watcher, record, round);
  }

  private void deliver(String executionId, Watcher w, ExecutionRecord record, Round round) {
    round.touched(w);
    boolean done;
    try {
      done = w.onState(record);
    } catch (RuntimeException e) {
      log.warn("Watcher of {} failed; dropping it", executionId, e);
      done = true;
    }
    if (done) unwatch(executionId, w);
  }

  private void fetchLoop() {
    List<String> batch = new ArrayList<>();
    while (!closed) {
      try {
        String first = toRead.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.add(first);
        toRead.drainTo(batch, MAX_BATCH - 1);
        refresh(batch);
        batch.clear();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("Watch fetch failed; the sweep will retry", e);
        batch.clear();
      }
    }
  }

  /** Reads the given executions again and hands what changed to their watchers. */
  private void refresh(List<String> ids) {
    List<String> terminalOnly = new ArrayList<>();
    List<String> full = new ArrayList<>();
    for (String id : Set.copyOf(ids)) {
      Watched w = watched.get(id);
      if (w != null) (w.terminalOnly() ? terminalOnly : full).add(id);
    }
    read(terminalOnly, true);
    read(full, false);
  }

  private void read(List<String> ids, boolean terminalOnly) {
    if (ids.isEmpty()) return;
    store.read(ids, terminalOnly).whenComplete((found, error) -> {
      if (error != null) return;
      Round round = new Round();
      try {
        found.forEach((id, s) -> {
          Watched w = watched.get(id);
          if (w != null && s.record().isPresent()) deliverAll(w, s.record().get(), round);
        });
      } finally {
        round.end();
      }
    }).toCompletableFuture().join();
  }

  /**
   * When the sweep reads an execution watched since {@code since} next, having read it at {@code
   * now}: after as long again as it has been watched (so the gaps double), at least {@code
   * minGap}, at most {@link #MAX_SWEEP_GAP}. All nanoTime values.
   */
  static long nextSweep(long since, long now, long minGap) {
    return now + Math.min(MAX_SWEEP_GAP.toNanos(), Math.max(minGap, now - since));
  }

  /** Re-reads the watched executions whose sweep is due, or all after a resubscription. */
  private void sweep() {
    boolean all = fullSweepWanted.getAndSet(false);
    try {
      long now = System.nanoTime();
      List<String> ids = new ArrayList<>();
      watched.forEach((id, w) -> {
        if (all || w.due().get() - now <= 0) {
          ids.add(id);
          w.due().set(nextSweep(w.since(), now, sweepNanos));
        }
      });
      for (int i = 0; i < ids.size(); i += MAX_BATCH) {
        refresh(ids.subList(i, Math.min(ids.size(), i + MAX_BATCH)));
      }
    } catch (RuntimeException e) {
      if (all) fullSweepWanted.set(true);
      log.debug("Watch sweep failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    sweeper.shutdownNow();
    fetcher.interrupt();
    try {
      fetcher.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    watched.clear();
  }
}
