package io.taskgrid.worker.internal;

import io.opentelemetry.api.trace.Span;
import io.taskgrid.core.Outcome;
import io.taskgrid.proto.v1.TaskMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One attempt of an execution on this worker: from claim until a coordinator acknowledged its
 * outcome. Every delivery of the execution that arrives meanwhile is attached, and all of them
 * are done when the outcome is acknowledged.
 */
public final class Run {
  private final Delivery first;
  private final TaskMessage message;
  private final int attempt;
  private final Instant startedAt;
  private final Instant deadline;
  private final AtomicReference<Outcome> outcome = new AtomicReference<>();
  private volatile Optional<TaskMessage> retry = Optional.empty();
  private final List<Delivery> deliveries = new ArrayList<>();
  private boolean acknowledged;
  private volatile Future<?> future;
  private final Span processSpan;
  private volatile Span attemptSpan = Span.getInvalid();
  private final java.util.concurrent.CompletableFuture<Void> exited = new java.util.concurrent.CompletableFuture<>();
  /** 0: the handler's task has not begun; 1: it began; 2: it was stopped before it began. */
  private final java.util.concurrent.atomic.AtomicInteger phase = new java.util.concurrent.atomic.AtomicInteger();

  Run(Delivery first, int attempt, Instant startedAt, Instant deadline) {
    this.first = first;
    this.message = first.message();
    this.processSpan = first.span();
    this.attempt = attempt;
    this.startedAt = startedAt;
    this.deadline = deadline;
    deliveries.add(first);
  }

  public String executionId() {
    return message.getExecutionId();
  }

  public TaskMessage message() {
    return message;
  }

  /** The policy it runs under, read once with its first delivery ({@link Delivery#policy}). */
  public ResolvedPolicy policy(HandlerRegistry handlers) {
    return first.policy(handlers);
  }

  public int attempt() {
    return attempt;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public Instant deadline() {
    return deadline;
  }

  /**
   * When the execution could first have started: its acceptance, or for a fire written ahead of
   * its time, its due time. Start delay and end-to-end duration count from here.
   */
  public Instant due() {
    Instant accepted = ProtoTime.instant(message.getEnqueuedAt());
    if (!message.hasNotBefore()) return accepted;
    Instant notBefore = ProtoTime.instant(message.getNotBefore());
    return notBefore.isAfter(accepted) ? notBefore : accepted;
  }

  /** The span of processing the delivery that started this run. */
  Span processSpan() {
    return processSpan;
  }

  /** The span of this attempt of the handler; invalid when not tracing. */
  Span attemptSpan() {
    return attemptSpan;
  }

  void attemptSpan(Span span) {
    this.attemptSpan = span;
  }

  void future(Future<?> f) {
    this.future = f;
  }

  private volatile Future<?> deadlineTimer;

  /** The timer that ends this run at its deadline. */
  void deadlineTimer(Future<?> f) {
    this.deadlineTimer = f;
  }

  /** Stops the deadline's timer: the run ended first. */
  void cancelDeadline() {
    Future<?> f = deadlineTimer;
    if (f != null) f.cancel(false);
  }

  /** The mark of a run handed back to the cluster unfinished: no outcome is reported for it. */
  private static final Outcome HANDED_BACK = new Outcome.Cancelled(Instant.EPOCH, Instant.EPOCH, "handed back: its worker stopped");

  /**
   * Marks the run handed back if its outcome is not decided yet (the worker stops and will not
   * wait for it): a later return, throw, deadline or cancel no longer decides anything. True when
   * this call marked it.
   */
  boolean handBack() {
    return outcome.compareAndSet(null, HANDED_BACK);
  }

  /** Whether the run was {@linkplain #handBack handed back}. */
  public boolean handedBack() {
    return outcome.get() == HANDED_BACK;
  }

  /** Sets the outcome if none is set yet; true when this call set it. */
  boolean finish(Outcome o) {
    return finish(o, Optional.empty());
  }

  /** Sets the outcome and the next attempt's message if no outcome is set yet; true when this call set them. */
  boolean finish(Outcome o, Optional<TaskMessage> next) {
    if (!outcome.compareAndSet(null, o)) return false;
    retry = next;
    return true;
  }

  /** The next attempt's message, when the retry policy allows one (set with the outcome). */
  public Optional<TaskMessage> retry() {
    return retry;
  }

  public Outcome outcome() {
    return outcome.get();
  }

  boolean isFinished() {
    return outcome.get() != null;
  }

  /**
   * Called first by the handler's task; false when the run was already stopped, and the task must
   * not run (a task cancelled before it began never runs its own {@code finally}).
   */
  boolean begin() {
    return phase.compareAndSet(0, 1);
  }

  /** Interrupts the handler's thread. */
  void interrupt() {
    if (phase.compareAndSet(0, 2)) markExited();
    Future<?> f = future;
    if (f != null) f.cancel(true);
  }

  /**
   * Completes when no handler code of this run executes any more: its handler returned or threw
   * (also after a timeout or cancel interrupted it), or it never started. Concurrency permits are
   * released then, not when the outcome is decided, so an interrupted handler that is slow to stop
   * still counts against its limit.
   */
  public java.util.concurrent.CompletableFuture<Void> exited() {
    return exited;
  }

  void markExited() {
    exited.complete(null);
  }

  /** Adds a redelivery of this execution; false when the outcome is already acknowledged. */
  synchronized boolean attach(Delivery d) {
    if (acknowledged) return false;
    deliveries.add(d);
    return true;
  }

  /** Marks the outcome acknowledged and returns every delivery it settles. */
  synchronized List<Delivery> acknowledge() {
    acknowledged = true;
    return new ArrayList<>(deliveries);
  }
}
