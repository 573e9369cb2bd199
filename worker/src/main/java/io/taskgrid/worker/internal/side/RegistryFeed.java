package io.taskgrid.worker.internal.side;

import io.taskgrid.core.config.KafkaEndpoint;
import io.taskgrid.core.Threads;
import io.taskgrid.core.task.SideTask;
import io.taskgrid.proto.v1.TaskDefinition;
import io.taskgrid.proto.v1.TaskRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The side tasks of the registry, read by this worker from the coordinators' compacted registry
 * topic (the source of truth of registered tasks), without a consumer group: every worker reads
 * every partition from the beginning. Keeps only side tasks whose handler this worker has. One
 * thread owns the consumer.
 *
 * <p>Nothing is offered before the topic is read up to the end offsets it had at start: a task
 * created then deleted must not start for a moment while its tombstone is still unread.
 */
final class RegistryFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistryFeed.class);

  private final String topic;
  private final Predicate<String> hasHandler;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, SideSpec> specs = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean caughtUp;
  private volatile boolean running = true;

  RegistryFeed(KafkaEndpoint kafka, String topic, String clientId, Predicate<String> hasHandler) {
    this.topic = topic;
    this.hasHandler = hasHandler;
    Properties p = kafka.clientProperties();
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = Thread.ofPlatform().name("tg-side-registry").daemon().unstarted(this::read);
  }

  RegistryFeed start() {
    thread.start();
    return this;
  }

  /**
   * The side tasks this worker could run, by task id, once the registry has been read up to where
   * it was at start; empty before.
   */
  Optional<Map<String, SideSpec>> snapshot() {
    return caughtUp ? Optional.of(Map.copyOf(specs)) : Optional.empty();
  }

  private void read() {
    long backoff = 100;
    Map<TopicPartition, Long> ends = null;
    while (running) {
      try {
        if (ends == null) {
          List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
          if (partitions.isEmpty()) {
            // the coordinators create the topic; until then there are no side tasks
            Threads.pause(1000);
            continue;
          }
          consumer.assign(partitions);
          consumer.seekToBeginning(partitions);
          ends = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(10)));
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) apply(r);
        if (!caughtUp) {
          boolean all = true;
          for (var e : ends.entrySet()) all &= consumer.position(e.getKey()) >= e.getValue();
          if (all) {
            caughtUp = true;
            log.info("Side tasks: read the registry ({} side tasks with a handler here)", specs.size());
          }
        }
        backoff = 100;
      } catch (WakeupException e) {
        // close
      } catch (RuntimeException e) {
        if (!running) break;
        log.warn("Reading the task registry for side tasks failed; retrying in {} ms: {}", backoff, e.toString());
        Threads.pause(backoff);
        backoff = Math.min(5_000, backoff * 2);
      }
    }
    consumer.close(Duration.ofSeconds(2));
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null) return;
    if (r.value() == null) {
      specs.remove(r.key());
      return;
    }
    try {
      TaskRecord record = TaskRecord.parseFrom(r.value());
      TaskDefinition d = record.getDefinition();
      if (!d.hasSide() || !hasHandler.test(d.getHandler())) {
        specs.remove(r.key());
        return;
      }
      var s = d.getSide();
      SideTask policy = SideTask.of(
          s.hasRestartInitialDelay() ? duration(s.getRestartInitialDelay()) : null,
          s.hasRestartMaxDelay() ? duration(s.getRestartMaxDelay()) : null,
          s.getRestartMultiplier());
      String contentType = d.getPayload().getContentType().isEmpty() ? io.taskgrid.core.Payload.OCTET_STREAM : d.getPayload().getContentType();
      boolean enabled = !d.hasEnabled() || d.getEnabled();
      specs.put(r.key(), new SideSpec(r.key(), d.getHandler(), d.getPayload().getData().toByteArray(), contentType, policy,
          enabled && !record.getPaused()));
    } catch (Exception e) {
      // one unreadable record (written by a newer version, say) must not stop the others
      log.error("Ignoring an unreadable registry record for task {} at {}-{}@{}: {}", r.key(), r.topic(), r.partition(), r.offset(), e.toString());
    }
  }

  private static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  @Override
  public void close() {
    if (!running) return;
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
