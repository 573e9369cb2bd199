package io.taskgrid.worker.internal.admission;

import io.taskgrid.core.Outcome;
import io.taskgrid.core.policy.ConcurrencyPolicy;
import io.taskgrid.core.policy.ExecutionPolicy;
import io.taskgrid.core.policy.RateLimitPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The admission decision for one execution, one step at a time: the rate budget first (a start
 * is counted once, when it passes), then the concurrency permit. Holds no threads and no Redis
 * client: the permits, queue and budgets are interfaces, so every branch is tested with fakes and a
 * fixed clock.
 */
public final class Admission {
  /** How often a REPLACE waiting for a permit repeats its cancel request (a holder may have missed it). */
  static final Duration CANCEL_REPEAT = Duration.ofSeconds(1);

  private final Permits permits;
  private final WaitQueue queue;
  private final RateBudget budget;
  private final BiConsumer<Set<String>, String> cancel;
  private final Clock clock;
  private final Duration lease;
  private final Recheck recheck;

  /**
   * @param cancel asks the holders of a permit (execution ids) to stop, with a reason
   * @param lease the lease of permits and queue entries (the claim lease)
   */
  public Admission(Permits permits, WaitQueue queue, RateBudget budget, BiConsumer<Set<String>, String> cancel, Clock clock,
      Duration lease) {
    this.permits = permits;
    this.queue = queue;
    this.budget = budget;
    this.cancel = cancel;
    this.clock = clock;
    this.lease = lease;
    this.recheck = new Recheck(lease);
  }

  /** Whether executions with {@code policy} go through admission at all. */
  public static boolean applies(ExecutionPolicy policy) {
    return policy.rateLimit().isPresent() || policy.concurrency().filter(ConcurrencyPolicy::enforced).isPresent();
  }

  /** One execution's progress through admission. */
  public static final class Attempt {
    final String executionId;
    final ExecutionPolicy policy;
    final long acceptedAtMicros;
    boolean rateTaken;
    boolean queuedMarked;
    Instant cancelSentAt;

    public Attempt(String executionId, ExecutionPolicy policy) {
      this(executionId, policy, 0);
    }

    /** @param acceptedAtMicros when the execution was accepted, microseconds since the epoch (REPLACE: the newest wins) */
    public Attempt(String executionId, ExecutionPolicy policy, long acceptedAtMicros) {
      this.executionId = executionId;
      this.policy = policy;
      this.acceptedAtMicros = acceptedAtMicros;
    }

    public String executionId() {
      return executionId;
    }

    public ExecutionPolicy policy() {
      return policy;
    }
  }

  /** The next decision for {@code a}. */
  /** The handler of an admitted execution begins now (see {@link RateBudget#handlerStarted}). */
  public void handlerStarted(ExecutionPolicy policy, String executionId) {
    policy.rateLimit().ifPresent(r -> budget.handlerStarted(r, executionId));
  }

  public Decision step(Attempt a) {
    Optional<RateLimitPolicy> rate = a.policy.rateLimit();
    if (rate.isPresent() && !a.rateTaken) {
      Duration wait = budget.tryStart(rate.get(), a.executionId);
      if (!wait.isZero()) {
        return switch (rate.get().onExcess()) {
          case DROP -> new Decision.Skip(Outcome.Skipped.RATE_LIMITED);
          case DELAY -> new Decision.Wait(wait);
        };
      }
      a.rateTaken = true;
    }
    Optional<ConcurrencyPolicy> concurrency = a.policy.concurrency().filter(ConcurrencyPolicy::enforced);
    if (concurrency.isEmpty()) return new Decision.Admit(null);
    ConcurrencyPolicy c = concurrency.get();
    return switch (c.overlap()) {
      case ALLOW -> new Decision.Admit(null);
      case SKIP -> permits.tryAcquire(c.key(), c.limit(), a.executionId, lease)
          .<Decision>map(Decision.Admit::new)
          .orElse(new Decision.Skip(Outcome.Skipped.PREVIOUS_INSTANCE_RUNNING));
      case QUEUE -> queued(a, c);
      case REPLACE -> replacing(a, c);
    };
  }

  private Decision queued(Attempt a, ConcurrencyPolicy c) {
    long position = queue.enter(c.key(), a.executionId, c.maxQueued(), lease);
    if (position == WaitQueue.FULL) return new Decision.Skip(Outcome.Skipped.QUEUE_FULL);
    if (position > 0) return new Decision.Wait(recheck.queued(position));
    Optional<Permits.Permit> p = permits.tryAcquire(c.key(), c.limit(), a.executionId, lease);
    if (p.isEmpty()) return new Decision.Wait(recheck.queued(0));
    queue.leave(c.key(), a.executionId);
    return new Decision.Admit(p.get());
  }

  private Decision replacing(Attempt a, ConcurrencyPolicy c) {
    if (!permits.newest(c.key(), a.executionId, a.acceptedAtMicros)) return new Decision.Cancel(Outcome.Cancelled.REPLACED);
    Optional<Permits.Permit> p = permits.tryAcquire(c.key(), c.limit(), a.executionId, lease);
    if (p.isPresent()) return new Decision.Admit(p.get());
    Instant now = clock.instant();
    if (a.cancelSentAt == null || !now.isBefore(a.cancelSentAt.plus(CANCEL_REPEAT))) {
      Set<String> holders = new java.util.HashSet<>(permits.holders(c.key()));
      holders.remove(a.executionId);
      if (!holders.isEmpty()) cancel.accept(holders, Outcome.Cancelled.REPLACED);
      a.cancelSentAt = now;
    }
    return new Decision.Wait(recheck.replacing());
  }

  /** {@code a} will not wait any more (its worker stops, or it was found finished elsewhere). */
  public void abandon(Attempt a) {
    a.policy.concurrency().filter(c -> c.overlap() == ConcurrencyPolicy.Overlap.QUEUE)
        .ifPresent(c -> queue.leave(c.key(), a.executionId));
  }
}
