package io.taskgrid.worker.internal;

import io.taskgrid.core.keyspace.Keyspace;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancel requests on the Redis channel {@code tg:<namespace>:cancel}, one message per execution:
 * {@code <executionId>\n<reason>}. Every worker listens and interrupts the run it has of that
 * execution, which ends CANCELLED with the reason; the others ignore the message. A request that
 * reaches no worker (none was listening) is lost: callers repeat it while it matters.
 */
public final class CancelListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CancelListener.class);

  private final RTopic topic;
  private final Map<String, Run> running;
  private final BiConsumer<Run, String> cancel;
  private int listener = -1;

  /**
   * @param running this worker's runs by execution id
   * @param cancel ends a run CANCELLED with a reason and interrupts its handler
   */
  public CancelListener(RedissonClient redisson, Keyspace keys, Map<String, Run> running, BiConsumer<Run, String> cancel) {
    this.topic = redisson.getTopic(channel(keys), StringCodec.INSTANCE);
    this.running = running;
    this.cancel = cancel;
  }

  public static String channel(Keyspace keys) {
    return keys.prefix() + "cancel";
  }

  public void start() {
    listener = topic.addListener(String.class, (channel, message) -> {
      int nl = message.indexOf('\n');
      String id = nl < 0 ? message : message.substring(0, nl);
      String reason = nl < 0 ? "cancelled" : message.substring(nl + 1);
      Run run = running.get(id);
      if (run != null) {
        log.info("Cancelling execution {}: {}", id, reason);
        cancel.accept(run, reason);
      }
    });
  }

  /** Asks whichever worker runs each of {@code executionIds} to cancel it. */
  public void request(Set<String> executionIds, String reason) {
    for (String id : executionIds) topic.publish(id + "\n" + reason);
  }

  @Override
  public void close() {
    if (listener >= 0) topic.removeListener(listener);
  }
}
