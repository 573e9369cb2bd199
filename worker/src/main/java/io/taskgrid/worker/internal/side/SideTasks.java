package io.taskgrid.worker.internal.side;

import io.taskgrid.core.config.KafkaEndpoint;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.internal.HandlerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the side tasks this worker holds the lease of. Every tick (a third of the lease, at most a
 * second) it renews the leases it holds, stops instances whose task was paused, disabled, changed
 * or deleted, or whose lease was lost or could not be renewed in time, starts failed handlers
 * again when their backoff is over, and takes the lease of every wanted side task nobody holds.
 *
 * <p>Stopping an instance: its context is cancelled and its thread interrupted, the handler's
 * {@link TaskHandler#onStop} is called, and once the handler has returned (within the grace
 * period) the lease is released so another worker takes it at its next tick. A handler that does
 * not return within the grace keeps its lease unreleased: it expires, since nobody renews it.
 */
public final class SideTasks implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SideTasks.class);

  private final java.util.function.Supplier<Optional<Map<String, SideSpec>>> specs;
  private final Runnable closeFeed;
  private final SideLeases leases;
  private final HandlerRegistry handlers;
  private final Duration lease;
  private final Duration grace;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false).findAndRegisterModules();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("tg-side-tasks").daemon().unstarted(r));
  /** Guarded by {@code this}. */
  private final Map<String, Local> local = new HashMap<>();
  private final List<CompletableFuture<Void>> stoppers = new ArrayList<>();
  private volatile boolean open = true;

  /** One side task whose lease this worker holds. */
  private static final class Local {
    final SideSpec spec;
    final SideSlot slot;
    Thread thread;
    SideContext context;

    Local(SideSpec spec, SideSlot slot) {
      this.spec = spec;
      this.slot = slot;
    }
  }

  /**
   * @param specs the side tasks this worker could run, by id, or empty while unknown (see {@link
   *     RegistryFeed#snapshot})
   * @param closeFeed stops what {@code specs} reads
   */
  SideTasks(java.util.function.Supplier<Optional<Map<String, SideSpec>>> specs, Runnable closeFeed, SideLeases leases,
      HandlerRegistry handlers, Duration lease, Duration grace, Clock clock) {
    this.specs = specs;
    this.closeFeed = closeFeed;
    this.leases = leases;
    this.handlers = handlers;
    this.lease = lease;
    this.grace = grace;
    this.clock = clock;
  }

  /**
   * Starts reading side tasks from {@code registryTopic} and running those this worker wins the
   * lease of.
   */
  public static SideTasks start(KafkaEndpoint kafka, String registryTopic, String clientId, RedissonClient redisson, Keyspace keys,
      String workerId, HandlerRegistry handlers, Duration lease, Duration grace, Clock clock) {
    RegistryFeed feed = new RegistryFeed(kafka, registryTopic, clientId, name -> handlers.find(name).isPresent()).start();
    SideTasks tasks = new SideTasks(feed::snapshot, feed::close, new RedisSideLeases(redisson, keys, workerId), handlers, lease, grace, clock);
    long every = Math.max(100, Math.min(1000, lease.toMillis() / 3));
    tasks.ticker.scheduleWithFixedDelay(tasks::tick, every, every, TimeUnit.MILLISECONDS);
    return tasks;
  }

  /** Ids of the side tasks whose handler runs here now. */
  public synchronized List<String> running() {
    return local.values().stream().filter(l -> l.slot.phase() == SideSlot.Phase.RUNNING).map(l -> l.spec.taskId()).sorted().toList();
  }

  private void tick() {
    try {
      step(clock.instant());
    } catch (RuntimeException e) {
      log.warn("Side tasks: a tick failed: {}", e.toString());
    }
  }

  synchronized void step(Instant now) {
    renew(now);
    Optional<Map<String, SideSpec>> wanted = specs.get();
    if (!open || wanted.isEmpty()) return;
    Map<String, SideSpec> byId = wanted.get();
    for (Local l : List.copyOf(local.values())) {
      if (l.slot.phase() == SideSlot.Phase.STOPPING) continue;
      SideSpec next = byId.get(l.spec.taskId());
      if (next == null) {
        log.info("Side task {} was deleted: stopping it", l.spec.taskId());
        stop(l, true, true);
      } else if (!next.wanted()) {
        log.info("Side task {} was paused or disabled: stopping it", l.spec.taskId());
        stop(l, true, false);
      } else if (!l.spec.sameRun(next)) {
        log.info("Side task {} was changed: stopping it to start it again as changed", l.spec.taskId());
        stop(l, true, false);
      } else if (l.slot.restartDue(now)) {
        l.slot.restarted(now);
        record(() -> leases.restarted(l.spec.taskId(), now));
        launch(l, now);
      }
    }
    for (SideSpec s : byId.values()) {
      if (!s.wanted() || local.containsKey(s.taskId())) continue;
      if (leases.acquire(s.taskId(), lease, now)) {
        Local l = new Local(s, new SideSlot(s.policy(), lease, now));
        local.put(s.taskId(), l);
        log.info("Side task {}: this worker took its lease and starts handler {}", s.taskId(), s.handler());
        launch(l, now);
      }
    }
  }

  private void renew(Instant now) {
    for (Local l : List.copyOf(local.values())) {
      if (l.slot.phase() == SideSlot.Phase.STOPPING && (l.thread == null || !l.thread.isAlive())) continue;
      boolean held;
      try {
        held = leases.renew(l.spec.taskId(), lease);
      } catch (RuntimeException e) {
        log.warn("Side task {}: cannot renew its lease: {}", l.spec.taskId(), e.toString());
        held = true; // unknown: decided by leaseAtRisk below
        if (l.slot.leaseAtRisk(now) && l.slot.phase() != SideSlot.Phase.STOPPING) {
          log.warn("Side task {}: lease not renewed for two thirds of it; stopping the instance before another worker may take it",
              l.spec.taskId());
          stop(l, false, false);
        }
        continue;
      }
      if (held) {
        l.slot.renewed(now);
      } else if (l.slot.phase() != SideSlot.Phase.STOPPING) {
        log.warn("Side task {}: lost its lease (it expired while this worker or Redis stalled); stopping the instance", l.spec.taskId());
        stop(l, false, false);
      }
    }
  }

  private void launch(Local l, Instant now) {
    TaskHandler handler = handlers.find(l.spec.handler()).orElseThrow();
    SideContext context = new SideContext(l.spec, l.slot.failures() + 1, now, json);
    l.context = context;
    l.thread = Thread.ofVirtual().name("tg-side-" + l.spec.taskId()).start(() -> {
      Throwable error = null;
      try {
        handler.handle(context);
      } catch (Throwable t) {
        error = t;
      }
      ended(l, context, error);
    });
  }

  private synchronized void ended(Local l, SideContext context, Throwable error) {
    if (context.isCancelled() || l.context != context || local.get(l.spec.taskId()) != l || l.slot.phase() != SideSlot.Phase.RUNNING) {
      return; // stopped on purpose: the stopper finishes
    }
    Instant now = clock.instant();
    String message = error == null
        ? "taskgrid.SideTaskReturned: the handler returned while the task should still run"
        : error.getClass().getName() + ": " + error.getMessage();
    Duration delay = l.slot.failed(now);
    record(() -> leases.failed(l.spec.taskId(), message, now));
    log.warn("Side task {}: {}; starting it again in {} ms (failure {} in a row)", l.spec.taskId(), message, delay.toMillis(),
        l.slot.failures());
  }

  /** Cancels the instance; {@code release} gives the lease up once it has ended, {@code forget} drops its state too. */
  private void stop(Local l, boolean release, boolean forget) {
    l.slot.stopping();
    SideContext context = l.context;
    Thread thread = l.thread;
    boolean alive = thread != null && thread.isAlive();
    if (context != null) context.cancel();
    if (thread != null) thread.interrupt();
    TaskHandler handler = handlers.find(l.spec.handler()).orElseThrow();
    CompletableFuture<Void> done = new CompletableFuture<>();
    stoppers.removeIf(CompletableFuture::isDone);
    stoppers.add(done);
    Thread.ofVirtual().name("tg-side-stop-" + l.spec.taskId()).start(() -> {
      try {
        if (alive) {
          try {
            handler.onStop(context);
          } catch (Exception e) {
            log.warn("Side task {}: its onStop failed: {}", l.spec.taskId(), e.toString());
          }
        }
        boolean ended = thread == null || thread.join(grace);
        synchronized (this) {
          if (local.get(l.spec.taskId()) == l) local.remove(l.spec.taskId());
        }
        if (!ended) {
          log.warn("Side task {}: its handler did not return within {} ms of being cancelled; its lease is left to expire",
              l.spec.taskId(), grace.toMillis());
        } else if (release) {
          record(() -> leases.release(l.spec.taskId(), forget));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        done.complete(null);
      }
    });
  }

  private void record(Runnable write) {
    try {
      write.run();
    } catch (RuntimeException e) {
      log.warn("Side tasks: cannot record in Redis: {}", e.toString());
    }
  }

  /**
   * Hands every instance over: cancels them, waits for their handlers (up to the grace), releases
   * their leases so other workers take them at once, then stops reading the registry. Leases are
   * renewed until then. Idempotent.
   */
  @Override
  public void close() {
    List<CompletableFuture<Void>> waiting;
    synchronized (this) {
      if (!open) return;
      open = false;
      for (Local l : List.copyOf(local.values())) {
        if (l.slot.phase() != SideSlot.Phase.STOPPING) stop(l, true, false);
      }
      waiting = List.copyOf(stoppers);
    }
    try {
      CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(grace.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      log.warn("Side tasks: not every instance stopped in time: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ticker.shutdownNow();
    closeFeed.run();
  }

  /** Stops at once, as a crash would: handlers are interrupted, leases are left to expire. For tests. */
  public void halt() {
    synchronized (this) {
      open = false;
      ticker.shutdownNow();
      for (Local l : local.values()) {
        if (l.context != null) l.context.cancel();
        if (l.thread != null) l.thread.interrupt();
      }
      local.clear();
    }
    closeFeed.run();
  }
}
