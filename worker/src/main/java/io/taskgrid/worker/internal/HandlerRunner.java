package io.taskgrid.worker.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.taskgrid.core.Outcome;
import io.taskgrid.core.Payload;
import io.taskgrid.telemetry.WorkerMeters;
import io.taskgrid.worker.InvalidPayloadException;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.internal.breaker.Breakers;
import io.taskgrid.worker.internal.breaker.CircuitOpenException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs handlers on virtual threads, at most {@code concurrency} at once, each under its deadline:
 * when the deadline passes the outcome is TIMEOUT and the handler's thread is interrupted, and so
 * on a cancel, with outcome CANCELLED. The first of (return, throw, deadline, cancel) decides the
 * outcome; later ones are ignored.
 */
public final class HandlerRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HandlerRunner.class);
  /**
   * One line per execution event (started, finished), with the execution's trace id, span id,
   * execution id, task id and handler in the MDC; its own logger so operators can turn it down.
   */
  private static final Logger events = LoggerFactory.getLogger("io.taskgrid.executions");

  private final HandlerRegistry handlers;
  private final String workerId;
  private final Clock clock;
  private final ObjectMapper json;
  private final Semaphore permits;
  private volatile Consumer<Run> beforeHandler = run -> {};
  private volatile OutputForwarder output;
  private volatile PreconditionCheck preconditions;
  private final int concurrency;
  private final Consumer<Run> onFinished;
  private final ExecutorService executor =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("tg-worker-handler-", 0).factory());
  /** Deadlines; one is removed when its run ends first (else each run stayed queued, and held, until its deadline). */
  private final ScheduledThreadPoolExecutor timer = deadlines();

  private final int maxResultBytes;
  private final WorkerMeters meters;
  private final ExecutionTracing tracing;
  private final Breakers breakers;

  public HandlerRunner(HandlerRegistry handlers, String workerId, int concurrency, int maxResultBytes, Clock clock, ObjectMapper json,
      WorkerMeters meters, Consumer<Run> onFinished, ExecutionTracing tracing, Breakers breakers) {
    this.tracing = tracing;
    this.breakers = breakers;
    this.handlers = handlers;
    this.meters = meters;
    this.maxResultBytes = maxResultBytes;
    this.workerId = workerId;
    this.concurrency = concurrency;
    this.permits = new Semaphore(concurrency);
    this.clock = clock;
    this.json = json;
    this.onFinished = onFinished;
  }

  /**
   * Called on the handler's thread right before the handler of a run is called (the admission
   * gate moves the run's start in its rate log to this moment).
   */
  public void beforeHandler(Consumer<Run> hook) {
    this.beforeHandler = hook;
  }

  /** Where output lines of running programs go (process tasks); none by default. */
  public void output(OutputForwarder forwarder) {
    this.output = forwarder;
  }

  /**
   * What checks a registered task's run condition and dependencies before its handler; without
   * one, an execution that has preconditions ends FAILED.
   */
  public void preconditions(PreconditionCheck check) {
    this.preconditions = check;
  }

  /** Slots for handlers; the dispatcher takes one before claiming an execution. */
  public Semaphore permits() {
    return permits;
  }

  /** Starts {@code run}, whose permit the caller holds. */
  public void start(Run run) {
    Optional<TaskHandler> handler = handlers.find(run.message().getHandler());
    if (handler.isEmpty()) {
      tracing.startAttempt(run);
      finish(run, new Outcome.Failed(run.startedAt(), clock.instant(), Outcome.Failed.UNKNOWN_HANDLER,
          "no handler \"" + run.message().getHandler() + "\" is registered on worker " + workerId
              + " (registered: " + handlers.names() + ")"));
      run.markExited();
      return;
    }
    Duration timeout = Duration.between(run.startedAt(), run.deadline());
    run.future(executor.submit(() -> {
      if (!run.begin()) return;
      try {
        if (waitUntil(run) && !run.isFinished()) invoke(run, handler.get());
      } finally {
        run.markExited();
      }
    }));
    run.deadlineTimer(timer.schedule(() -> {
      if (finish(run, Outcome.TimedOut.after(run.startedAt(), clock.instant(), timeout))) {
        run.interrupt();
      }
    }, Math.max(0, Duration.between(clock.instant(), run.deadline()).toMillis()), TimeUnit.MILLISECONDS));
    if (run.isFinished()) run.cancelDeadline(); // the handler ended before its deadline was set
  }

  private static ScheduledThreadPoolExecutor deadlines() {
    var t = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().name("tg-worker-timeouts").daemon().unstarted(r));
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /** Ends {@code run}, whose permit the caller holds, with {@code outcome} without calling its handler (it was not admitted). */
  public void end(Run run, Outcome outcome) {
    tracing.startAttempt(run);
    finish(run, outcome);
    run.markExited();
  }

  /**
   * Ends {@code run} CANCELLED with {@code reason} and interrupts its handler, unless its outcome
   * is already decided (the first of return, throw, deadline and cancel wins). A run still waiting
   * for its start time never calls the handler. True when this call decided the outcome.
   */
  public boolean cancel(Run run, String reason) {
    Instant now = clock.instant();
    Instant started = run.startedAt().isAfter(now) ? now : run.startedAt();
    if (!finish(run, new Outcome.Cancelled(started, now, reason))) return false;
    run.interrupt();
    return true;
  }

  /**
   * Gives up {@code run} unfinished (the worker stops): its outcome is not decided or reported, its
   * handler slot frees and its handler is interrupted. False when its outcome was already decided.
   */
  public boolean handBack(Run run) {
    if (!run.handBack()) return false;
    permits.release();
    tracing.endAttempt(run, run.outcome());
    run.interrupt();
    return true;
  }

  /**
   * Parks this (virtual) thread until {@code start}, for fires written ahead of their time. False
   * when interrupted meanwhile: the run was ended (worker stopping) and must not start.
   */
  private boolean waitUntil(Run run) {
    Instant start = run.startedAt();
    if (!start.isAfter(clock.instant())) return true;
    Span wait = tracing.startWait(run, start);
    try {
      return waitUntil(start);
    } finally {
      wait.end();
    }
  }

  private boolean waitUntil(Instant start) {
    long nanos;
    while ((nanos = Duration.between(clock.instant(), start).toNanos()) > 0) {
      try {
        Thread.sleep(Duration.ofNanos(nanos));
      } catch (InterruptedException e) {
        return false;
      }
    }
    return true;
  }

  private void invoke(Run run, TaskHandler handler) {
    beforeHandler.accept(run);
    tracing.startAttempt(run);
    Span span = run.attemptSpan();
    ExecutionTracing.putMdc(run);
    if (events.isInfoEnabled()) {
      events.info("Execution {} started: handler {}, attempt {}{}", run.executionId(), run.message().getHandler(), run.attempt(),
          span.getSpanContext().isValid() ? ", trace " + span.getSpanContext().getTraceId() : "");
    }
    Outcome outcome;
    // the attempt's span is current while the handler runs, so the handler's own spans are its children
    try (Scope scope = span.getSpanContext().isValid() ? io.opentelemetry.context.Context.root().with(span).makeCurrent() : Scope.noop()) {
      Context context = new Context(run, json, tracing, output);
      if (run.message().hasPreconditions()) {
        Optional<PreconditionCheck.Stop> stop = checkPreconditions(run, context);
        if (stop.isPresent()) {
          // about this fire only: a later attempt would ask about another moment
          finish(run, stop.get().outcome(), true);
          return;
        }
      }
      Object result = breakers.guard(run.message().getHandler(), run.policy(handlers), handler).handle(context);
      Payload encoded = encode(result);
      if (encoded.size() > maxResultBytes) {
        outcome = new Outcome.Failed(run.startedAt(), clock.instant(), Outcome.Failed.RESULT_TOO_LARGE, "result: is " + encoded.size()
            + " bytes, over the limit of " + maxResultBytes + " bytes (TASKGRID_MAX_RESULT_BYTES)");
      } else {
        outcome = new Outcome.Succeeded(run.startedAt(), clock.instant(), encoded);
      }
    } catch (InvalidPayloadException e) {
      outcome = new Outcome.Failed(run.startedAt(), clock.instant(), Outcome.Failed.INVALID_PAYLOAD, e.getMessage());
    } catch (CircuitOpenException e) {
      outcome = new Outcome.Failed(run.startedAt(), clock.instant(), Outcome.Failed.CIRCUIT_OPEN, e.getMessage());
    } catch (Throwable e) {
      if (run.isFinished()) return; // the deadline passed or a cancel came and interrupted us; the outcome is decided
      outcome = new Outcome.Failed(run.startedAt(), clock.instant(), e.getClass().getName(), String.valueOf(e.getMessage()));
      finish(run, outcome, handlers.options(run.message().getHandler()).isNonRetryable(e));
      return;
    }
    finish(run, outcome);
  }

  private Optional<PreconditionCheck.Stop> checkPreconditions(Run run, Context context) throws InterruptedException {
    PreconditionCheck check = preconditions;
    if (check == null) {
      Instant now = clock.instant();
      return Optional.of(new PreconditionCheck.Stop(new Outcome.Failed(run.startedAt(), now, Outcome.Failed.DEPENDENCY_CHECK_FAILED,
          "this worker cannot check run conditions and dependencies")));
    }
    return check.check(run, context);
  }

  private boolean finish(Run run, Outcome decided) {
    return finish(run, decided, false);
  }

  /** Ends {@code run} with {@code decided} unless it already ended; the retry policy decides whether another attempt follows. */
  private boolean finish(Run run, Outcome decided, boolean nonRetryable) {
    if (run.isFinished()) return false;
    RetryPlanner.Plan plan = RetryPlanner.plan(run.message(), run.attempt(), decided, run.policy(handlers),
        nonRetryable, clock.instant(), ThreadLocalRandom.current()::nextDouble);
    Outcome outcome = plan.outcome();
    if (!run.finish(outcome, plan.retry())) return false;
    run.cancelDeadline();
    tracing.endAttempt(run, outcome);
    if (events.isInfoEnabled()) logFinished(run, outcome);
    permits.release();
    meters.ended(run.message().getHandler(), outcome.status(), Duration.between(run.startedAt(), outcome.finishedAt()),
        Duration.between(run.due(), outcome.finishedAt()));
    onFinished.accept(run);
    return true;
  }

  private void logFinished(Run run, Outcome outcome) {
    ExecutionTracing.putMdc(run);
    try {
      long ms = Duration.between(outcome.startedAt(), outcome.finishedAt()).toMillis();
      String trace = run.attemptSpan().getSpanContext().isValid() ? ", trace " + run.attemptSpan().getSpanContext().getTraceId() : "";
      switch (outcome) {
        case Outcome.Succeeded s -> events.info("Execution {} SUCCEEDED in {} ms{}", run.executionId(), ms, trace);
        case Outcome.Failed f -> events.info("Execution {} FAILED in {} ms: {}: {}{}{}", run.executionId(), ms, f.errorType(), f.message(),
            retryNote(run), trace);
        case Outcome.TimedOut t -> events.info("Execution {} TIMEOUT after {} ms{}{}", run.executionId(), ms, retryNote(run), trace);
        case Outcome.Skipped sk -> events.info("Execution {} SKIPPED: {}{}", run.executionId(), sk.reason(), trace);
        case Outcome.Cancelled c -> events.info("Execution {} CANCELLED after {} ms: {}{}", run.executionId(), ms, c.reason(), trace);
      }
    } finally {
      ExecutionTracing.clearMdc();
    }
  }

  private static String retryNote(Run run) {
    return run.retry().map(m -> "; attempt " + m.getAttempt() + " at " + ProtoTime.instant(m.getNotBefore())).orElse("");
  }

  private Payload encode(Object result) throws Exception {
    return switch (result) {
      case null -> Payload.EMPTY;
      case Payload p -> p;
      case byte[] b -> new Payload(b, Payload.OCTET_STREAM);
      case String s -> new Payload(s.getBytes(StandardCharsets.UTF_8), Payload.TEXT);
      default -> new Payload(json.writeValueAsBytes(result), Payload.JSON);
    };
  }

  /** Deadlines still set (runs not ended). */
  int pendingDeadlines() {
    return timer.getQueue().size();
  }

  /** Handlers running now. */
  public int running() {
    return concurrency - permits.availablePermits();
  }

  /** Waits until no handler runs, up to {@code timeout}; true when idle. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    if (permits.tryAcquire(concurrency, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      permits.release(concurrency);
      return true;
    }
    log.warn("{} handlers still running after {}", running(), timeout);
    return false;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    executor.shutdownNow();
  }
}
