package io.taskgrid.dev;

import io.taskgrid.worker.TaskContext;
import io.taskgrid.worker.TaskHandler;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dev mode's example side task handler ({@code clock.watch}, task {@code clock-watcher} of {@code
 * dev/tasks.yaml}): runs until cancelled, logging the time every 10 seconds, and says when it
 * stops.
 */
final class ClockWatcher implements TaskHandler {
  static final String NAME = "clock.watch";
  private static final Logger log = LoggerFactory.getLogger(ClockWatcher.class);
  private static final Duration EVERY = Duration.ofSeconds(10);

  @Override
  public Object handle(TaskContext ctx) {
    log.info("side task {} started (run {})", ctx.taskId().orElse("?"), ctx.attempt());
    try {
      while (!ctx.isCancelled()) {
        log.info("side task {}: it is {}", ctx.taskId().orElse("?"), Instant.now());
        Thread.sleep(EVERY);
      }
    } catch (InterruptedException e) {
      // cancelled: the task was paused or deleted, or the worker is stopping
    }
    return null;
  }

  @Override
  public void onStop(TaskContext ctx) {
    log.info("side task {} stopping", ctx.taskId().orElse("?"));
  }
}
