package io.taskgrid.benchmark;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/**
 * Waits for log lines that start with given texts: the coordinator tells some steps of its start
 * (topics created, serving, leading scheduling and how many tasks it planned) only in its log.
 */
final class LogLineWatch extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  /** A line, and when this JVM logged it ({@link System#nanoTime()}). */
  record Line(long nanoTime, String message) {}

  private final Logger logger;
  private final Map<String, CompletableFuture<Line>> firstLines = new LinkedHashMap<>();

  private LogLineWatch(Logger logger, List<String> prefixes) {
    this.logger = logger;
    for (String p : prefixes) firstLines.put(p, new CompletableFuture<>());
  }

  /** Watches the loggers under {@code loggerName} for the first line starting with each of {@code prefixes}. */
  static LogLineWatch attach(String loggerName, String... prefixes) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LogLineWatch watch = new LogLineWatch(context.getLogger(loggerName), List.of(prefixes));
    watch.setContext(context);
    watch.start();
    watch.logger.addAppender(watch);
    return watch;
  }

  @Override
  protected void append(ILoggingEvent event) {
    long now = System.nanoTime();
    String message = event.getFormattedMessage();
    firstLines.forEach((prefix, line) -> {
      if (message.startsWith(prefix)) line.complete(new Line(now, message));
    });
  }

  /** The first line starting with {@code prefix} (one of those given to {@link #attach}). */
  Line await(String prefix, Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
    return firstLines.get(prefix).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    stop();
  }
}
