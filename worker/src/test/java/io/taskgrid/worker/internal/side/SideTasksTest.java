package io.taskgrid.worker.internal.side;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.core.task.SideTask;
import io.taskgrid.worker.HandlerOptions;
import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.internal.HandlerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two workers' side task loops over one in-memory lease store, stepped by a fake clock. */
class SideTasksTest {
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final Duration BOUND = Duration.ofSeconds(5);
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));
  private final Clock clock = new Clock() {
    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };
  private final MemoryLeases store = new MemoryLeases();
  private final AtomicInteger instances = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private final AtomicInteger stops = new AtomicInteger();
  private final AtomicInteger failNext = new AtomicInteger();
  private final Map<String, SideSpec> registry = new ConcurrentHashMap<>();
  private final List<SideTasks> workers = new ArrayList<>();

  private final TaskHandler watcher = new TaskHandler() {
    @Override
    public Object handle(TaskContext ctx) throws Exception {
      mostAtOnce.accumulateAndGet(instances.incrementAndGet(), Math::max);
      try {
        if (failNext.getAndDecrement() > 0) throw new IllegalStateException("inbox unreachable");
        while (!ctx.isCancelled()) Thread.sleep(5);
        return null;
      } finally {
        instances.decrementAndGet();
      }
    }

    @Override
    public void onStop(TaskContext ctx) {
      stops.incrementAndGet();
    }
  };

  @AfterEach
  void closeWorkers() {
    workers.forEach(SideTasks::halt);
  }

  private SideTasks worker(String id) {
    HandlerRegistry handlers = new HandlerRegistry(Map.of("inbox.watch", new HandlerRegistry.Registered(watcher, HandlerOptions.NONE)));
    SideTasks w = new SideTasks(() -> Optional.of(Map.copyOf(registry)), () -> {}, store.as(id), handlers, LEASE, BOUND, clock);
    workers.add(w);
    return w;
  }

  private void register(boolean wanted) {
    registry.put("watcher", new SideSpec("watcher", "inbox.watch", new byte[0], "application/json", new SideTask(Duration.ofSeconds(1),
        Duration.ofSeconds(10), 2.0), wanted));
  }

  @Test
  void onlyTheWorkerThatTakesTheLeaseRunsTheHandler() {
    register(true);
    SideTasks a = worker("a");
    SideTasks b = worker("b");
    a.step(now.get());
    b.step(now.get());
    await().atMost(BOUND).until(() -> instances.get() == 1);
    assertThat(a.running()).containsExactly("watcher");
    assertThat(b.running()).isEmpty();
    assertThat(store.holder("watcher")).isEqualTo("a");
    assertThat(mostAtOnce.get()).isEqualTo(1);
  }

  @Test
  void deletingTheTaskCancelsTheInstanceCallsOnStopAndReleasesTheLease() {
    register(true);
    SideTasks a = worker("a");
    a.step(now.get());
    await().atMost(BOUND).until(() -> instances.get() == 1);
    registry.clear();
    a.step(now.get());
    await().atMost(BOUND).until(() -> instances.get() == 0 && store.holder("watcher") == null);
    assertThat(stops.get()).isEqualTo(1);
    assertThat(store.forgotten).contains("watcher");
    assertThat(a.running()).isEmpty();
  }

  @Test
  void pausingStopsTheInstanceAndResumingStartsItAgain() {
    register(true);
    SideTasks a = worker("a");
    a.step(now.get());
    await().atMost(BOUND).until(() -> instances.get() == 1);
    register(false);
    a.step(now.get());
    await().atMost(BOUND).until(() -> instances.get() == 0 && store.holder("watcher") == null);
    register(true);
    await().atMost(BOUND).until(() -> {
      a.step(now.get());
      return instances.get() == 1;
    });
    assertThat(store.forgotten).isEmpty();
  }

  @Test
  void aFailingHandlerRestartsAfterTheBackoffOnTheSameWorker() {
    register(true);
    failNext.set(1);
    SideTasks a = worker("a");
    a.step(now.get());
    await().atMost(BOUND).until(() -> store.errors.size() == 1);
    assertThat(store.errors.get(0)).isEqualTo("java.lang.IllegalStateException: inbox unreachable");
    a.step(now.get().plusMillis(999));
    assertThat(instances.get()).isZero();
    now.set(now.get().plusSeconds(1));
    a.step(now.get());
    await().atMost(BOUND).until(() -> instances.get() == 1);
    assertThat(store.restarts).isEqualTo(1);
    assertThat(store.holder("watcher")).isEqualTo("a");
  }

  @Test
  void aLostLeaseStopsTheInstanceWithoutReleasingAnotherWorkersLease() {
    register(true);
    SideTasks a = worker("a");
    a.step(now.get());
    await().atMost(BOUND).until(() -> instances.get() == 1);
    store.expire("watcher");
    SideTasks b = worker("b");
    b.step(now.get());
    a.step(now.get());
    await().atMost(BOUND).until(() -> a.running().isEmpty());
    await().atMost(BOUND).until(() -> instances.get() == 1);
    assertThat(store.holder("watcher")).isEqualTo("b");
    assertThat(b.running()).containsExactly("watcher");
  }

  @Test
  void closingAWorkerHandsItsSideTasksOver() {
    register(true);
    SideTasks a = worker("a");
    SideTasks b = worker("b");
    a.step(now.get());
    await().atMost(BOUND).until(() -> instances.get() == 1);
    a.close();
    assertThat(instances.get()).isZero();
    assertThat(store.holder("watcher")).isNull();
    b.step(now.get());
    await().atMost(BOUND).until(() -> instances.get() == 1);
    assertThat(b.running()).containsExactly("watcher");
    assertThat(mostAtOnce.get()).isEqualTo(1);
  }

  /** Leases in memory: one holder per task, which expires only when a test says so. */
  private static final class MemoryLeases {
    private final Map<String, String> holders = new HashMap<>();
    final List<String> errors = new ArrayList<>();
    final List<String> forgotten = new ArrayList<>();
    int restarts;

    synchronized String holder(String task) {
      return holders.get(task);
    }

    synchronized void expire(String task) {
      holders.remove(task);
    }

    SideLeases as(String worker) {
      return new SideLeases() {
        @Override
        public boolean acquire(String taskId, Duration lease, Instant at) {
          synchronized (MemoryLeases.this) {
            return holders.putIfAbsent(taskId, worker) == null;
          }
        }

        @Override
        public boolean renew(String taskId, Duration lease) {
          synchronized (MemoryLeases.this) {
            return worker.equals(holders.get(taskId));
          }
        }

        @Override
        public void restarted(String taskId, Instant at) {
          synchronized (MemoryLeases.this) {
            restarts++;
          }
        }

        @Override
        public void failed(String taskId, String error, Instant at) {
          synchronized (MemoryLeases.this) {
            errors.add(error);
          }
        }

        @Override
        public void release(String taskId, boolean forget) {
          synchronized (MemoryLeases.this) {
            holders.remove(taskId, worker);
            if (forget) forgotten.add(taskId);
          }
        }
      };
    }
  }
}
