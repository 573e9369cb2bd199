package io.taskgrid.benchmark;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches the tasks topic as a worker does ({@code read_committed}) and notes, per execution, when
 * the scheduler wrote its message (the record's create time, in milliseconds) and when it became
 * readable here: this splits a fire's delay into scheduler, Kafka transaction and worker.
 */
final class TaskMessageProbe implements AutoCloseable {
  /** One task message: written by the scheduler at {@code createdAt}, read here at {@code readAt}. */
  record Seen(Instant createdAt, Instant readAt) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  TaskMessageProbe(String bootstrap, String topic) {
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end now: messages from here on are seen
    thread = Thread.ofPlatform().name("bench-task-probe").daemon().start(this::read);
  }

  /** The message of execution {@code executionId}, if seen. */
  Seen get(String executionId) {
    return seen.get(executionId);
  }

  private void read() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
          seen.put(r.key(), new Seen(Instant.ofEpochMilli(r.timestamp()), Instant.now()));
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(5_000);
  }
}
