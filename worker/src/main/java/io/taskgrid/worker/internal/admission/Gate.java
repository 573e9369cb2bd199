package io.taskgrid.worker.internal.admission;

import io.taskgrid.core.policy.ExecutionPolicy;
import io.taskgrid.worker.internal.Delivery;
import io.taskgrid.worker.internal.HandlerRegistry;
import io.taskgrid.worker.internal.ResolvedPolicy;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where deliveries with a concurrency or rate policy wait before they take a worker slot. The
 * dispatcher asks {@link #holds} of every delivery: one that needs admission is taken here, asked
 * about on this gate's own thread until {@link Admission} decides, and handed back to the
 * dispatcher with its decision (run with a permit, or end SKIPPED / FAILED after its claim). While
 * it waits it holds no handler slot, only its uncommitted Kafka offset: if this worker dies the
 * record is delivered again to another worker, which asks again (a queued execution keeps its
 * place in the queue when it comes back within the lease).
 *
 * <p>Permits of running executions are kept here by execution id, renewed with the claims and
 * released when the attempt ends.
 */
public final class Gate implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Gate.class);
  private static final Duration ERROR_RETRY = Duration.ofMillis(500);

  private final Admission admission;
  private final Permits permits;
  private final HandlerRegistry handlers;
  private final Consumer<Delivery> back;
  private final java.util.function.BiConsumer<Delivery, Boolean> queuedStatus;
  private final Duration lease;
  private final Map<Delivery, Decision> decided = Collections.synchronizedMap(new IdentityHashMap<>());
  private final Map<String, Permits.Permit> held = new ConcurrentHashMap<>();
  private final Map<Delivery, Admission.Attempt> waiting = Collections.synchronizedMap(new IdentityHashMap<>());
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("tg-worker-admission").daemon().unstarted(r));
  private volatile boolean closed;
  /**
   * Per rate key, the deliveries of this worker waiting for its budget, in arrival order; only the
   * first asks Redis, so a thousand delayed executions cost one call per recheck, not a thousand
   * (a herd of them asking at once loaded the machine enough to delay handler starts by hundreds of
   * ms). Touched only by this gate's thread.
   */
  private final Map<String, java.util.ArrayDeque<Map.Entry<Delivery, Admission.Attempt>>> rateLines = new java.util.HashMap<>();

  /**
   * @param back where admitted or decided deliveries go (the dispatcher's inbox)
   * @param queuedStatus marks the execution of a delivery QUEUED (never over RUNNING or a terminal
   *     status) and emits that it waits; true when it waits for rate budget, false for a concurrency permit
   */
  public Gate(Admission admission, Permits permits, HandlerRegistry handlers, Consumer<Delivery> back,
      java.util.function.BiConsumer<Delivery, Boolean> queuedStatus,
      Duration lease) {
    this.admission = admission;
    this.permits = permits;
    this.handlers = handlers;
    this.back = back;
    this.queuedStatus = queuedStatus;
    this.lease = lease;
  }

  /**
   * The handler of {@code run} is about to be called: a sliding rate budget counts its start from
   * now. A failure to tell Redis is logged, not fatal: the start stays counted from its admission.
   */
  public void handlerStarting(io.taskgrid.worker.internal.Run run) {
    if (!(run.policy(handlers) instanceof ResolvedPolicy.Valid(ExecutionPolicy policy))) return; // an invalid policy never reaches a handler
    if (policy.rateLimit().isEmpty()) return;
    try {
      admission.handlerStarted(policy, run.executionId());
    } catch (RuntimeException e) {
      log.warn("Could not move the start of {} in its rate log: {}", run.executionId(), e.toString());
    }
  }

  /**
   * True when this gate takes {@code d} to decide about it (it comes back through {@code back});
   * false when the dispatcher may claim it now: it needs no admission or is already decided.
   */
  public boolean holds(Delivery d) {
    if (decided.containsKey(d)) return false;
    ExecutionPolicy policy;
    switch (d.policy(handlers)) {
      case ResolvedPolicy.Valid v -> policy = v.policy();
      case ResolvedPolicy.Invalid i -> {
        decided.put(d, new Decision.Invalid(i.reason()));
        return false;
      }
    }
    if (!Admission.applies(policy)) return false;
    var accepted = d.message().getEnqueuedAt();
    Admission.Attempt a = new Admission.Attempt(d.executionId(), policy, accepted.getSeconds() * 1_000_000 + accepted.getNanos() / 1_000);
    waiting.put(d, a);
    submit(d, a, Duration.ZERO);
    return true;
  }

  private void submit(Delivery d, Admission.Attempt a, Duration after) {
    if (closed) return;
    try {
      thread.schedule(() -> step(d, a), after.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: the delivery stays uncommitted and is delivered again
    }
  }

  private void step(Delivery d, Admission.Attempt a) {
    if (closed) return;
    String line = a.rateTaken ? null : a.policy().rateLimit().map(r -> r.key()).orElse(null);
    if (line != null) {
      var waiting = rateLines.computeIfAbsent(line, k -> new java.util.ArrayDeque<>());
      if (waiting.stream().noneMatch(e -> e.getValue() == a)) waiting.add(Map.entry(d, a));
      if (waiting.peek().getValue() != a) {
        markQueued(a, d, true); // asked again when it is first in line
        return;
      }
    }
    Decision decision;
    try {
      decision = admission.step(a);
    } catch (RuntimeException e) {
      log.warn("Admission of {} failed ({}); asking again in {}", d.executionId(), e.toString(), ERROR_RETRY);
      submit(d, a, ERROR_RETRY);
      return;
    }
    if (line != null && (a.rateTaken || !(decision instanceof Decision.Wait))) {
      var waiting = rateLines.get(line);
      waiting.poll();
      if (waiting.isEmpty()) {
        rateLines.remove(line);
      } else {
        submit(waiting.peek().getKey(), waiting.peek().getValue(), Duration.ZERO);
      }
    }
    switch (decision) {
      case Decision.Wait w -> {
        // a wait before the rate budget was taken is for the budget, after it for a permit
        markQueued(a, d, line != null && !a.rateTaken);
        submit(d, a, w.recheck());
      }
      case Decision.Admit ad -> handBack(d, decision);
      case Decision.Skip s -> handBack(d, decision);
      case Decision.Cancel c -> handBack(d, decision);
      case Decision.Invalid i -> handBack(d, decision);
    }
  }

  private void markQueued(Admission.Attempt a, Delivery d, boolean forRate) {
    if (a.queuedMarked) return;
    a.queuedMarked = true;
    try {
      queuedStatus.accept(d, forRate);
    } catch (RuntimeException e) {
      log.debug("Cannot mark {} QUEUED: {}", d.executionId(), e.toString());
    }
  }

  private void handBack(Delivery d, Decision decision) {
    waiting.remove(d);
    decided.put(d, decision);
    back.accept(d);
  }

  /**
   * The decision for {@code d}, which the dispatcher claimed and is about to start or end
   * ({@link Decision.Admit} with no permit when it needed no admission). The permit, if any, is
   * now held for its execution until {@link #ended}.
   */
  public Decision claimed(Delivery d) {
    Decision decision = decided.remove(d);
    if (decision == null) return new Decision.Admit(null);
    if (decision instanceof Decision.Admit(Permits.Permit p) && p != null) held.put(d.executionId(), p);
    return decision;
  }

  /** {@code d} was not claimed (finished, or held by another worker): give back what it took. */
  public void notClaimed(Delivery d) {
    Decision decision = decided.remove(d);
    if (decision instanceof Decision.Admit(Permits.Permit p) && p != null) release(p);
  }

  /** The attempt of {@code executionId} ended: its permit frees. */
  public void ended(String executionId) {
    Permits.Permit p = held.remove(executionId);
    if (p != null) release(p);
  }

  private void release(Permits.Permit p) {
    try {
      permits.release(p);
    } catch (RuntimeException e) {
      log.warn("Cannot release the permit of {} on {} ({}); it expires with its lease", p.executionId(), p.key(), e.toString());
    }
  }

  /**
   * Extends the leases of held permits (with the claims' renewal): those of running executions,
   * and those of admitted deliveries still waiting for a handler slot or their claim, which on a
   * busy worker can take longer than a lease.
   */
  public void renew() {
    List<Permits.Permit> permitted = new java.util.ArrayList<>(held.values());
    synchronized (decided) {
      for (Decision d : decided.values()) {
        if (d instanceof Decision.Admit(Permits.Permit p) && p != null) permitted.add(p);
      }
    }
    if (permitted.isEmpty()) return;
    try {
      Set<Permits.Permit> lost = permits.renew(permitted, lease);
      if (!lost.isEmpty()) {
        log.warn("{} concurrency permits expired while their executions ran (Redis or this worker stalled); the limit may be exceeded",
            lost.size());
      }
    } catch (RuntimeException e) {
      log.warn("Cannot renew concurrency permits: {}", e.toString());
    }
  }

  /** Deliveries waiting for admission now. */
  public int waiting() {
    return waiting.size();
  }

  /**
   * Stops deciding. Waiting deliveries stay uncommitted and are delivered again (a queued one
   * keeps its place if that happens within the lease); permits of admitted deliveries that did
   * not start are released now, held permits as their attempts end. Close the dispatcher first.
   */
  @Override
  public void close() {
    closed = true;
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    waiting.clear();
    // admitted deliveries that never reached a handler (the dispatcher stopped first): their permits free now
    List<Permits.Permit> unused = new java.util.ArrayList<>();
    synchronized (decided) {
      for (Decision d : decided.values()) {
        if (d instanceof Decision.Admit(Permits.Permit p) && p != null) unused.add(p);
      }
      decided.clear();
    }
    unused.forEach(this::release);
  }
}
