package io.taskgrid.worker.internal;

import io.taskgrid.telemetry.WorkerMeters;
import io.taskgrid.worker.internal.admission.Decision;
import io.taskgrid.worker.internal.admission.Gate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns deliveries into runs. Takes a handler slot first, then claims the execution in Redis (in
 * batches), so an execution is RUNNING only while a handler really runs it. A delivery whose
 * execution is finished is done at once; one whose execution another live worker holds is tried
 * again later, because that worker may die before finishing it. What each claim result and
 * admission decision means is decided by {@link DispatchPlan}; this class owns the thread, the
 * slots and the retry timer.
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final int MAX_CLAIM_BATCH = 256;

  private final RedisClaims claims;
  private final HandlerRunner runner;
  private final InFlight inFlight;
  private final Clock clock;
  private final Duration retryDelay;
  private final WorkerMeters meters;
  /** Higher priorities first, with a share for the longest waiting (see {@link PriorityInbox}). */
  private final PriorityInbox<Delivery> inbox = new PriorityInbox<>(Delivery::priority);
  private final Map<String, Run> running = new ConcurrentHashMap<>();
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("tg-worker-claim-retry").daemon().unstarted(r));
  private final Thread thread;
  private volatile boolean stopped;
  private final ExecutionTracing tracing;
  private volatile Gate gate;

  private final java.util.function.Consumer<Run> onRegistered;

  public Dispatcher(RedisClaims claims, HandlerRunner runner, InFlight inFlight, Clock clock, Duration retryDelay, WorkerMeters meters,
      ExecutionTracing tracing) {
    this(claims, runner, inFlight, clock, retryDelay, meters, tracing, run -> {});
  }

  /**
   * @param onRegistered called with each new run once it is in {@link #running()}, before its
   *     handler starts (the cancel listener checks for a request that came before it)
   */
  public Dispatcher(RedisClaims claims, HandlerRunner runner, InFlight inFlight, Clock clock, Duration retryDelay, WorkerMeters meters,
      ExecutionTracing tracing, java.util.function.Consumer<Run> onRegistered) {
    this.onRegistered = onRegistered;
    this.meters = meters;
    this.tracing = tracing;
    this.claims = claims;
    this.runner = runner;
    this.inFlight = inFlight;
    this.clock = clock;
    this.retryDelay = retryDelay;
    this.thread = Thread.ofPlatform().name("tg-worker-dispatch").daemon().unstarted(this::loop);
  }

  /** Deliveries with a concurrency or rate policy pass {@code gate} before they take a handler slot. */
  public void gate(Gate gate) {
    this.gate = gate;
  }

  public void start() {
    thread.start();
  }

  /** Whether the dispatch thread runs (for liveness). */
  public boolean isAlive() {
    return thread.isAlive();
  }

  public void offer(Delivery d) {
    inbox.add(d);
  }

  /** Runs whose outcome is not yet acknowledged, by execution id. */
  public Map<String, Run> running() {
    return running;
  }

  /** A coordinator recorded the outcome of {@code run}: its deliveries are done. */
  public void acknowledged(Run run) {
    running.remove(run.executionId(), run);
    for (Delivery d : run.acknowledge()) {
      tracing.done(d, run.outcome());
      inFlight.done(d);
    }
  }

  private void loop() {
    Semaphore permits = runner.permits();
    List<Delivery> batch = new ArrayList<>(MAX_CLAIM_BATCH);
    while (!stopped) {
      try {
        Delivery first = inbox.poll(100, TimeUnit.MILLISECONDS);
        if (first == null || held(first)) continue;
        permits.acquire();
        if (stopped) {
          permits.release();
          return;
        }
        batch.add(first);
        while (batch.size() < MAX_CLAIM_BATCH && permits.tryAcquire()) {
          Delivery next = inbox.poll();
          while (next != null && held(next)) next = inbox.poll();
          if (next == null) {
            permits.release();
            break;
          }
          batch.add(next);
        }
        claimAndStart(batch, permits);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.error("Dispatch failed; retrying its deliveries", e);
      } finally {
        batch.clear();
      }
    }
  }

  /** True when the admission gate took {@code d}: it comes back when admitted or decided. */
  private boolean held(Delivery d) {
    Gate g = gate;
    return g != null && g.holds(d);
  }

  private void claimAndStart(List<Delivery> batch, Semaphore permits) {
    List<ClaimResult> results;
    try {
      results = claims.claim(batch);
    } catch (RuntimeException e) {
      if (stopped) {
        // interrupted by close(): the messages stay uncommitted and are redelivered to another worker
        permits.release(batch.size());
        return;
      }
      log.warn("Cannot claim {} executions ({}); retrying in {}", batch.size(), e.toString(), retryDelay);
      permits.release(batch.size());
      for (Delivery d : batch) {
        tracing.claimFailed(d, e);
        notClaimed(d);
        retryLater(d);
      }
      return;
    }
    Instant now = clock.instant();
    for (int i = 0; i < batch.size(); i++) {
      Delivery d = batch.get(i);
      tracing.claimed(d, results.get(i));
      var message = d.message();
      Optional<Instant> notBefore = message.hasNotBefore() ? Optional.of(ProtoTime.instant(message.getNotBefore())) : Optional.empty();
      Duration timeout = Duration.ofSeconds(message.getTimeout().getSeconds(), message.getTimeout().getNanos());
      switch (DispatchPlan.step(results.get(i), now, notBefore, timeout)) {
        case DispatchPlan.Step.Run r -> {
          Run run = new Run(d, r.attempt(), r.start(), r.deadline());
          running.put(d.executionId(), run);
          Gate g = gate;
          switch (DispatchPlan.admission(g == null ? new Decision.Admit(null) : g.claimed(d), now)) {
            case DispatchPlan.Admission.Start s -> {
              meters.started(message.getHandler(), r.attempt(), Duration.between(run.due(), r.start()));
              onRegistered.accept(run);
              runner.start(run);
            }
            case DispatchPlan.Admission.End e -> runner.end(run, e.outcome());
          }
        }
        case DispatchPlan.Step.Attach a -> {
          notClaimed(d);
          permits.release();
          Run existing = running.get(d.executionId());
          if (existing == null || !existing.attach(d)) retryLater(d);
        }
        case DispatchPlan.Step.Done f -> {
          notClaimed(d);
          permits.release();
          tracing.done(d, null);
          inFlight.done(d);
        }
        case DispatchPlan.Step.RetryLater h -> {
          notClaimed(d);
          permits.release();
          retryLater(d);
        }
        case DispatchPlan.Step.Recheck w -> {
          notClaimed(d);
          permits.release();
          retryLater(d, DispatchPlan.recheckDelay(d.recheck(), retryDelay));
        }
      }
    }
  }

  private void notClaimed(Delivery d) {
    Gate g = gate;
    if (g != null) g.notClaimed(d);
  }

  private void retryLater(Delivery d) {
    retryLater(d, retryDelay);
  }

  private void retryLater(Delivery d, Duration after) {
    if (stopped) return;
    retries.schedule(() -> inbox.add(d), after.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops claiming; deliveries not yet claimed stay uncommitted and will be redelivered. */
  @Override
  public void close() {
    stopped = true;
    retries.shutdownNow();
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    inbox.clear();
  }
}
