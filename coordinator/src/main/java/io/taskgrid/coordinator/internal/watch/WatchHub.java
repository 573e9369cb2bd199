package io.taskgrid.coordinator.internal.watch;

import io.taskgrid.coordinator.internal.store.ExecutionRecord;
import io.taskgrid.coordinator.internal.store.ExecutionStore;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells local watchers about changes of the executions they watch, wherever in the cluster the
 * change was recorded. Changes arrive as ids on the store's change feed; the hub re-reads the
 * watched ones in batches and hands each watcher the current record. A periodic sweep re-reads
 * every watched execution, so a change message lost with a dropped connection delays a watcher
 * by at most the sweep interval instead of leaving it hanging.
 */
public final class WatchHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WatchHub.class);
  private static final int MAX_BATCH = 2000;

  /** Receives states of one execution; returns true when it wants no more. */
  public interface Watcher {
    boolean onState(ExecutionRecord record);

    /** True when only terminal states interest it, so non-terminal changes need not be read. */
    default boolean terminalOnly() {
      return false;
    }

    /** The execution is not known. */
    void onNotFound(String executionId);
  }

  private final ExecutionStore store;
  private final Map<String, Set<Watcher>> watchers = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<String> changed = new LinkedBlockingQueue<>();
  private final Thread fetcher;
  private final ScheduledExecutorService sweeper;
  private volatile boolean closed;

  public WatchHub(ExecutionStore store, Duration sweepInterval) {
    this.store = store;
    store.onChange((id, terminal) -> {
      Set<Watcher> ws = watchers.get(id);
      if (ws != null && (terminal || !ws.stream().allMatch(Watcher::terminalOnly))) changed.add(id);
    });
    this.fetcher = Thread.ofPlatform().name("tg-coordinator-watch-fetch").daemon().start(this::fetchLoop);
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("tg-coordinator-watch-sweep").daemon().unstarted(r));
    sweeper.scheduleWithFixedDelay(this::sweep, sweepInterval.toMillis(), sweepInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts watching {@code executionId}; the watcher first receives the current state. */
  public void watch(String executionId, Watcher watcher) {
    watchers.computeIfAbsent(executionId, k -> ConcurrentHashMap.newKeySet()).add(watcher);
    store.get(executionId).whenComplete((record, error) -> {
      if (error != null) {
        return; // the sweep retries
      }
      if (record.isEmpty()) {
        unwatch(executionId, watcher);
        watcher.onNotFound(executionId);
      } else {
        deliver(watcher, record.get());
      }
    });
  }

  public void unwatch(String executionId, Watcher watcher) {
    watchers.computeIfPresent(executionId, (k, set) -> {
      set.remove(watcher);
      return set.isEmpty() ? null : set;
    });
  }

  /** How many executions are watched now. */
  public int watchedCount() {
    return watchers.size();
  }

  private void deliver(Watcher w, ExecutionRecord record) {
    boolean done;
    try {
      done = w.onState(record);
    } catch (RuntimeException e) {
      log.warn("Watcher of {} failed; dropping it", record.executionId(), e);
      done = true;
    }
    if (done) unwatch(record.executionId(), w);
  }

  private void fetchLoop() {
    List<String> batch = new ArrayList<>();
    while (!closed) {
      try {
        String first = changed.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.add(first);
        changed.drainTo(batch, MAX_BATCH - 1);
        refresh(Set.copyOf(batch));
        batch.clear();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("Watch fetch failed; the sweep will retry", e);
        batch.clear();
      }
    }
  }

  private void refresh(Set<String> ids) {
    store.getAll(ids).whenComplete((records, error) -> {
      if (error != null) return;
      records.forEach((id, record) -> {
        Set<Watcher> ws = watchers.get(id);
        if (ws != null) ws.forEach(w -> deliver(w, record));
      });
    }).toCompletableFuture().join();
  }

  private void sweep() {
    try {
      List<String> ids = new ArrayList<>(watchers.keySet());
      for (int i = 0; i < ids.size(); i += MAX_BATCH) {
        refresh(Set.copyOf(ids.subList(i, Math.min(ids.size(), i + MAX_BATCH))));
      }
    } catch (RuntimeException e) {
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
    watchers.clear();
  }
}
