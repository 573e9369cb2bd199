package io.taskgrid.worker.internal.side;

import io.taskgrid.core.task.SideTask;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The decisions about one side task whose lease this worker holds: when its lease is at risk,
 * when a failed handler starts again. Pure: time comes in as arguments, so it is tested with a
 * fake clock. Not thread-safe; its owner serializes calls.
 */
final class SideSlot {
  /** Where the instance stands on this worker. */
  enum Phase {
    /** The handler runs. */
    RUNNING,
    /** The handler failed; it starts again at {@link #restartAt()}. */
    WAITING,
    /** The handler is being cancelled; the slot goes when it has ended. */
    STOPPING
  }

  private final SideTask policy;
  private final Duration lease;
  private Phase phase = Phase.RUNNING;
  private Instant startedAt;
  private Instant leaseUntil;
  private Instant restartAt;
  private int failures;

  /** A slot whose lease was just taken at {@code now} and whose handler starts now. */
  SideSlot(SideTask policy, Duration lease, Instant now) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.lease = Objects.requireNonNull(lease, "lease");
    this.startedAt = now;
    this.leaseUntil = now.plus(lease);
  }

  Phase phase() {
    return phase;
  }

  /** Failures in a row: 0 before the first. */
  int failures() {
    return failures;
  }

  Instant restartAt() {
    return restartAt;
  }

  /** The lease was extended at {@code now}. */
  void renewed(Instant now) {
    leaseUntil = now.plus(lease);
  }

  /**
   * Whether the instance must stop because the lease could not be renewed for two thirds of it: it
   * then stops with a third of the lease left, before another worker can take the task over.
   */
  boolean leaseAtRisk(Instant now) {
    return !now.isBefore(leaseUntil.minus(lease.dividedBy(3)));
  }

  /**
   * The handler ended at {@code now} by itself (returned or threw): it starts again after the
   * returned delay, which grows with each failure in a row; a run that lasted the policy's max
   * delay resets it.
   */
  Duration failed(Instant now) {
    if (phase != Phase.RUNNING) throw new IllegalStateException("not running: " + phase);
    failures = policy.failuresAfter(failures, Duration.between(startedAt, now));
    Duration delay = policy.restartDelay(failures);
    restartAt = now.plus(delay);
    phase = Phase.WAITING;
    return delay;
  }

  /** Whether a failed handler is due to start again. */
  boolean restartDue(Instant now) {
    return phase == Phase.WAITING && !now.isBefore(restartAt);
  }

  /** The handler started again at {@code now}. */
  void restarted(Instant now) {
    if (phase != Phase.WAITING) throw new IllegalStateException("not waiting: " + phase);
    phase = Phase.RUNNING;
    startedAt = now;
    restartAt = null;
  }

  /** The instance is being cancelled. */
  void stopping() {
    phase = Phase.STOPPING;
  }
}
