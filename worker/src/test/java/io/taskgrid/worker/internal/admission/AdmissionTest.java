package io.taskgrid.worker.internal.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.Outcome;
import io.taskgrid.core.policy.ConcurrencyPolicy;
import io.taskgrid.core.policy.ConcurrencyPolicy.Overlap;
import io.taskgrid.core.policy.ExecutionPolicy;
import io.taskgrid.core.policy.RateLimitPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  private static final Duration LEASE = Duration.ofSeconds(3);

  /** Permits in memory: at most limit per key. */
  static class FakePermits implements Permits {
    final Map<String, Set<String>> held = new HashMap<>();

    @Override
    public Optional<Permit> tryAcquire(String key, int limit, String executionId, Duration lease) {
      Set<String> h = held.computeIfAbsent(key, k -> new LinkedHashSet<>());
      if (h.size() >= limit) return Optional.empty();
      h.add(executionId);
      return Optional.of(new Permit(key, limit, executionId, "p-" + executionId));
    }

    @Override
    public Set<Permit> renew(Collection<Permit> permits, Duration lease) {
      return Set.of();
    }

    @Override
    public void release(Permit permit) {
      held.get(permit.key()).remove(permit.executionId());
    }

    @Override
    public Set<String> holders(String key) {
      return new HashSet<>(held.getOrDefault(key, Set.of()));
    }

    final Map<String, Long> newest = new HashMap<>();

    @Override
    public boolean newest(String key, String executionId, long acceptedAtMicros) {
      Long cur = newest.get(key);
      if (cur != null && cur > acceptedAtMicros) return false;
      newest.put(key, acceptedAtMicros);
      return true;
    }
  }

  /** A FIFO queue in memory. */
  static final class FakeQueue implements WaitQueue {
    final Map<String, List<String>> queues = new HashMap<>();

    @Override
    public long enter(String key, String executionId, int maxQueued, Duration lease) {
      List<String> q = queues.computeIfAbsent(key, k -> new ArrayList<>());
      if (!q.contains(executionId)) {
        if (q.size() >= maxQueued) return FULL;
        q.add(executionId);
      }
      return q.indexOf(executionId);
    }

    @Override
    public void leave(String key, String executionId) {
      queues.getOrDefault(key, new ArrayList<>()).remove(executionId);
    }
  }

  private final FakePermits permits = new FakePermits();
  private final FakeQueue queue = new FakeQueue();
  private Duration rateWait = Duration.ZERO;
  private int rateCalls;
  private final List<String> cancelled = new ArrayList<>();
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  private final Admission admission = new Admission(permits, queue, (p, id) -> {
    rateCalls++;
    return rateWait;
  }, (ids, reason) -> ids.forEach(id -> cancelled.add(id + ":" + reason)), clock, LEASE);

  private static Admission.Attempt attempt(String id, ConcurrencyPolicy c) {
    return new Admission.Attempt(id, new ExecutionPolicy(Optional.empty(), Optional.of(c), Optional.empty(), Optional.empty()));
  }

  private static ConcurrencyPolicy single(Overlap overlap) {
    return new ConcurrencyPolicy("k", 1, overlap, 2);
  }

  @Test
  void skipsWhenThePreviousInstanceStillHoldsThePermit() {
    assertThat(admission.step(attempt("a", single(Overlap.SKIP)))).isInstanceOf(Decision.Admit.class);
    assertThat(admission.step(attempt("b", single(Overlap.SKIP))))
        .isEqualTo(new Decision.Skip(Outcome.Skipped.PREVIOUS_INSTANCE_RUNNING));
  }

  @Test
  void queuedExecutionsTakeFreedPermitsInArrivalOrder() {
    Decision first = admission.step(attempt("a", single(Overlap.QUEUE)));
    Admission.Attempt b = attempt("b", single(Overlap.QUEUE));
    Admission.Attempt c = attempt("c", single(Overlap.QUEUE));
    assertThat(admission.step(b)).isInstanceOf(Decision.Wait.class);
    assertThat(admission.step(c)).isInstanceOf(Decision.Wait.class);
    permits.release(((Decision.Admit) first).permit());
    // c asks first, but b is ahead of it
    assertThat(admission.step(c)).isInstanceOf(Decision.Wait.class);
    assertThat(admission.step(b)).isInstanceOf(Decision.Admit.class);
    assertThat(queue.queues.get("k")).containsExactly("c");
  }

  @Test
  void skipsWithQueueFullBeyondMaxQueued() {
    admission.step(attempt("a", single(Overlap.QUEUE)));
    admission.step(attempt("b", single(Overlap.QUEUE)));
    admission.step(attempt("c", single(Overlap.QUEUE)));
    assertThat(admission.step(attempt("d", single(Overlap.QUEUE)))).isEqualTo(new Decision.Skip(Outcome.Skipped.QUEUE_FULL));
  }

  @Test
  void aRedeliveredQueuedExecutionKeepsItsPlace() {
    admission.step(attempt("a", single(Overlap.QUEUE)));
    admission.step(attempt("b", single(Overlap.QUEUE)));
    admission.step(attempt("b", single(Overlap.QUEUE)));
    assertThat(queue.queues.get("k")).containsExactly("b");
  }

  @Test
  void replaceCancelsTheHolderOnceAndWaitsForItsPermit() {
    Decision first = admission.step(attempt("a", single(Overlap.REPLACE)));
    Admission.Attempt b = attempt("b", single(Overlap.REPLACE));
    assertThat(admission.step(b)).isInstanceOf(Decision.Wait.class);
    assertThat(admission.step(b)).isInstanceOf(Decision.Wait.class);
    assertThat(cancelled).containsExactly("a:" + Outcome.Cancelled.REPLACED);
    permits.release(((Decision.Admit) first).permit());
    assertThat(admission.step(b)).isInstanceOf(Decision.Admit.class);
  }

  @Test
  void anOlderReplaceWaitingBehindANewerOneIsCancelledWithoutRunning() {
    ExecutionPolicy replace = attempt("x", single(Overlap.REPLACE)).policy();
    Decision running = admission.step(new Admission.Attempt("a", replace, 1));
    Admission.Attempt older = new Admission.Attempt("b", replace, 2);
    Admission.Attempt newer = new Admission.Attempt("c", replace, 3);
    assertThat(admission.step(older)).isInstanceOf(Decision.Wait.class);
    assertThat(admission.step(newer)).isInstanceOf(Decision.Wait.class);
    assertThat(admission.step(older)).isEqualTo(new Decision.Cancel(Outcome.Cancelled.REPLACED));
    permits.release(((Decision.Admit) running).permit());
    assertThat(admission.step(newer)).isInstanceOf(Decision.Admit.class);
  }

  @Test
  void theSlidingWindowCountsOverThePeriodAndASmallGuard() {
    assertThat(RedisRateBudget.countedInterval(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(1050));
    assertThat(RedisRateBudget.countedInterval(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(105));
    assertThat(RedisRateBudget.countedInterval(Duration.ofMillis(10))).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void overTheRateBudgetDelayWaitsAndDropSkips() {
    rateWait = Duration.ofMillis(70);
    RateLimitPolicy delay = RateLimitPolicy.of("r", 10, null, null, RateLimitPolicy.Excess.DELAY, "h");
    RateLimitPolicy drop = RateLimitPolicy.of("r", 10, null, null, RateLimitPolicy.Excess.DROP, "h");
    assertThat(admission.step(new Admission.Attempt("a", rated(delay)))).isEqualTo(new Decision.Wait(Duration.ofMillis(70)));
    assertThat(admission.step(new Admission.Attempt("b", rated(drop)))).isEqualTo(new Decision.Skip(Outcome.Skipped.RATE_LIMITED));
  }

  @Test
  void aStartIsCountedOnceEvenWhileItWaitsForAPermit() {
    admission.step(attempt("a", single(Overlap.QUEUE)));
    RateLimitPolicy rate = RateLimitPolicy.of("r", 10, null, null, null, "h");
    Admission.Attempt b = new Admission.Attempt("b",
        new ExecutionPolicy(Optional.empty(), Optional.of(single(Overlap.QUEUE)), Optional.of(rate), Optional.empty()));
    admission.step(b);
    admission.step(b);
    assertThat(rateCalls).isEqualTo(1);
  }

  @Test
  void allowNeedsNoAdmission() {
    ExecutionPolicy allow = new ExecutionPolicy(Optional.empty(), Optional.of(single(Overlap.ALLOW)), Optional.empty(), Optional.empty());
    assertThat(Admission.applies(allow)).isFalse();
    assertThat(Admission.applies(ExecutionPolicy.NONE)).isFalse();
    assertThat(Admission.applies(attempt("a", single(Overlap.SKIP)).policy())).isTrue();
  }

  private static ExecutionPolicy rated(RateLimitPolicy p) {
    return new ExecutionPolicy(Optional.empty(), Optional.empty(), Optional.of(p), Optional.empty());
  }
}
