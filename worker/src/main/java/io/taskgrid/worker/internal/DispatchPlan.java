package io.taskgrid.worker.internal;

import io.taskgrid.core.Outcome;
import io.taskgrid.worker.internal.admission.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The dispatcher's decisions, without threads, Redis or a clock of their own: what a claim result
 * means for a delivery, when a claimed run starts and must end, and what the admission gate's
 * decision does to it. {@link Dispatcher} only moves deliveries between these answers and the
 * claims, the handler runner and the retry timer; tests step this with a fake clock.
 */
final class DispatchPlan {
  private DispatchPlan() {}

  /** What to do with one delivery once its claim came back. */
  sealed interface Step {
    /**
     * It is this worker's to run as {@code attempt}: it holds its handler slot, starts at {@code
     * start} and must end by {@code deadline}; the admission gate decides next (see {@link #admission}).
     */
    record Run(int attempt, Instant start, Instant deadline) implements Step {}

    /** This worker already runs it: give the slot back and join the run, or try again later if there is none to join. */
    record Attach() implements Step {}

    /** It already ended: give the slot back; the delivery is done. */
    record Done() implements Step {}

    /** Another live worker holds it (and may die): give the slot back and try again later. */
    record RetryLater() implements Step {}

    /**
     * Its previous attempt's outcome is being recorded: give the slot back and check again after
     * {@link #recheckDelay}.
     */
    record Recheck() implements Step {}
  }

  /** The first wait of a {@link Step.Recheck}; each next one doubles, up to the held-claim delay. */
  static final Duration FIRST_RECHECK = Duration.ofMillis(20);

  /**
   * How long to wait before the {@code n}th recheck (from 0) of one delivery: 20 ms, then doubling
   * up to {@code max}. The previous attempt's outcome is normally recorded within milliseconds of
   * the retry's write; if its coordinator died in between, its worker resends, which takes longer.
   */
  static Duration recheckDelay(int n, Duration max) {
    long ms = FIRST_RECHECK.toMillis() << Math.min(n, 20);
    return ms >= max.toMillis() ? max : Duration.ofMillis(ms);
  }

  /**
   * The step for a delivery whose claim answered {@code result} at {@code now}. A fire written
   * ahead of its time ({@code notBefore} after now) starts at that time, and its deadline counts
   * from the start, so writing it early never shortens its timeout.
   */
  static Step step(ClaimResult result, Instant now, Optional<Instant> notBefore, Duration timeout) {
    return switch (result) {
      case ClaimResult.Claimed c -> {
        Instant start = notBefore.filter(t -> t.isAfter(now)).orElse(now);
        yield new Step.Run(c.attempt(), start, start.plus(timeout));
      }
      case ClaimResult.AlreadyMine m -> new Step.Attach();
      case ClaimResult.Finished f -> new Step.Done();
      case ClaimResult.HeldBy h -> new Step.RetryLater();
      case ClaimResult.PreviousAttemptUnrecorded w -> new Step.Recheck();
    };
  }

  /** What the admission gate's decision on a claimed run does to it. */
  sealed interface Admission {
    /** Start the handler. */
    record Start() implements Admission {}

    /** End it without running the handler, with {@code outcome}. */
    record End(Outcome outcome) implements Admission {}
  }

  /**
   * The admission of a run claimed at {@code now}. A run the gate turns away ends at once: skipped,
   * cancelled (replaced) or failed for an invalid policy. {@code Wait} was decided before the claim
   * (a waiting delivery holds no slot and is not claimed), so it cannot come here.
   *
   * @throws IllegalStateException for a {@code Wait}
   */
  static Admission admission(Decision decision, Instant now) {
    return switch (decision) {
      case Decision.Admit a -> new Admission.Start();
      case Decision.Skip sk -> new Admission.End(new Outcome.Skipped(now, now, sk.reason()));
      case Decision.Cancel cn -> new Admission.End(new Outcome.Cancelled(now, now, cn.reason()));
      case Decision.Invalid inv -> new Admission.End(new Outcome.Failed(now, now, Outcome.Failed.INVALID_POLICY, inv.message()));
      case Decision.Wait w -> throw new IllegalStateException("a waiting delivery was claimed");
    };
  }
}
