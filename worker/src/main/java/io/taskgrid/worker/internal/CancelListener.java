package io.taskgrid.worker.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancel requests for running executions, from the cancel channel ({@code <executionId>\n<reason>})
 * and from lease renewals (which catch a message missed while the subscription reconnected). The
 * worker that runs the execution interrupts its handler; the attempt's outcome is CANCELLED.
 *
 * <p>A request can arrive between the claim of an execution and the start of its run. So every
 * request is remembered for a while ({@link #REMEMBER}) before the running runs are looked up, and
 * the dispatcher checks {@link #requested} after it registers a run: whichever comes second sees
 * the other.
 */
public final class CancelListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CancelListener.class);
  static final Duration REMEMBER = Duration.ofMinutes(5);
  static final int MAX_REMEMBERED = 10_000;

  private final Function<String, Run> running;
  private final HandlerRunner runner;
  private final Clock clock;
  /** Execution id -> (reason, when received), oldest first; guarded by this. */
  private final LinkedHashMap<String, Request> recent = new LinkedHashMap<>();
  private volatile RTopic topic;
  private int listenerId = -1;

  private record Request(String reason, long atMillis) {}

  /**
   * @param running the run of an execution on this worker, or null
   * @param runner interrupts handlers
   */
  public CancelListener(Function<String, Run> running, HandlerRunner runner, Clock clock) {
    this.running = running;
    this.runner = runner;
    this.clock = clock;
  }

  /** Subscribes to {@code channel}. */
  public void start(RedissonClient redisson, String channel) {
    topic = redisson.getTopic(channel, StringCodec.INSTANCE);
    listenerId = topic.addListener(String.class, (ch, message) -> {
      int nl = message.indexOf('\n');
      if (nl <= 0) {
        log.warn("Ignoring a malformed cancel request: {}", message);
        return;
      }
      requested(message.substring(0, nl), message.substring(nl + 1));
    });
  }

  /**
   * Asks whichever worker runs each of {@code executionIds} to cancel it with {@code reason} (the
   * concurrency policy REPLACE asks the running holders of a key); a no-op before {@link #start}.
   */
  public void request(java.util.Set<String> executionIds, String reason) {
    RTopic t = topic;
    if (t == null) return;
    for (String id : executionIds) t.publish(id + "\n" + reason);
  }

  /** A cancel was requested: interrupts the execution's run if it runs here, and remembers the request. */
  public void requested(String executionId, String reason) {
    String r = reason.isEmpty() ? io.taskgrid.core.Outcome.Cancelled.CANCELLED : reason;
    remember(executionId, r);
    Run run = running.apply(executionId);
    if (run != null) cancel(run, r);
  }

  /** The reason of a recent cancel request for the execution of {@code run}; if any, cancels it. */
  public void checkStarted(Run run) {
    Optional<String> reason = requested(run.executionId());
    reason.ifPresent(r -> cancel(run, r));
  }

  /** The reason of a recent cancel request for {@code executionId}. */
  public synchronized Optional<String> requested(String executionId) {
    Request r = recent.get(executionId);
    return r == null ? Optional.empty() : Optional.of(r.reason());
  }

  private void cancel(Run run, String reason) {
    if (runner.cancel(run, reason)) log.info("Execution {} cancelled ({}): handler interrupted", run.executionId(), reason);
  }

  private synchronized void remember(String executionId, String reason) {
    long now = clock.millis();
    recent.remove(executionId);
    recent.put(executionId, new Request(reason, now));
    Iterator<Map.Entry<String, Request>> oldest = recent.entrySet().iterator();
    while (oldest.hasNext()) {
      Map.Entry<String, Request> e = oldest.next();
      if (recent.size() <= MAX_REMEMBERED && now - e.getValue().atMillis() < REMEMBER.toMillis()) break;
      oldest.remove();
    }
  }

  /** Unsubscribes. Idempotent. */
  @Override
  public void close() {
    RTopic t = topic;
    if (t != null && listenerId >= 0) {
      try {
        t.removeListener(listenerId);
      } catch (RuntimeException e) {
        log.debug("Cannot unsubscribe from cancel requests: {}", e.toString());
      }
    }
    topic = null;
  }
}
