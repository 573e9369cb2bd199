package io.taskgrid.worker.internal;

import io.taskgrid.core.worker.WorkerDirectory;
import io.taskgrid.core.worker.WorkerPresence;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports this worker to the cluster ({@link WorkerDirectory}) every {@link #EVERY} from one
 * thread of its own, never on the task path: a failed report is logged and the next one tries
 * again. {@link #draining} reports the new state at once; {@link #close} stops and removes the
 * report, so operators see a cleanly stopped worker go at once and a killed one within the TTL.
 */
public final class PresenceReporter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PresenceReporter.class);
  /** How often the worker reports: six times within the report's expiry. */
  static final Duration EVERY = WorkerDirectory.TTL.dividedBy(6);

  private final WorkerDirectory directory;
  private final WorkerPresence initial;
  private final IntSupplier running;
  private final Clock clock;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("tg-worker-presence").daemon().unstarted(r));
  private volatile WorkerPresence.State state = WorkerPresence.State.RUNNING;
  private boolean failing; // only touched on the reporting thread

  public PresenceReporter(WorkerDirectory directory, WorkerPresence initial, IntSupplier running, Clock clock) {
    this.directory = directory;
    this.initial = initial;
    this.running = running;
    this.clock = clock;
  }

  public PresenceReporter start() {
    thread.scheduleWithFixedDelay(this::report, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** The worker stopped taking work: reports it now. */
  public void draining() {
    state = WorkerPresence.State.DRAINING;
    try {
      thread.submit(this::report);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed already
    }
  }

  private void report() {
    try {
      directory.report(initial.at(clock.instant(), running.getAsInt(), state));
      if (failing) log.info("Reporting this worker to Redis again");
      failing = false;
    } catch (RuntimeException e) {
      if (!failing) log.warn("Cannot report this worker to Redis (will retry every {}s): {}", EVERY.toSeconds(), e.toString());
      failing = true;
    }
  }

  /** Stops reporting and removes the report. */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(2, TimeUnit.SECONDS)) log.warn("The presence thread did not stop within 2s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      directory.remove(initial.workerId());
    } catch (RuntimeException e) {
      log.warn("Cannot remove this worker's report from Redis (it expires in {}s): {}", WorkerDirectory.TTL.toSeconds(), e.toString());
    }
  }

  /** Stops reporting and leaves the report to expire, as a crash would. */
  public void halt() {
    thread.shutdownNow();
  }
}
