package io.taskgrid.coordinator.internal.lifecycle;

import io.taskgrid.core.config.KafkaEndpoint;
import io.taskgrid.coordinator.internal.queue.KafkaSetup;
import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.wire.lifecycle.LifecycleJson;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the lifecycle topic for this coordinator's WatchLifecycle streams, only while at least one
 * is open: one thread owns one consumer that is assigned every partition and starts at their end
 * (no consumer group, nothing committed: a stream sees what happens after it opened, never a
 * replay), and hands each event to the {@link LifecycleFanout}. When the last stream ends, the
 * thread stops and the consumer closes.
 */
public final class LifecycleFeed implements LifecycleFanout.Activity, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LifecycleFeed.class);
  /** Events one stream may have waiting for its client before it is ended as too slow. */
  public static final int STREAM_BUFFER = 4096;

  private final KafkaEndpoint kafka;
  private final String topic;
  private final String clientId;
  private final LifecycleFanout fanout = new LifecycleFanout(STREAM_BUFFER, this);
  private final AtomicLong generation = new AtomicLong();
  private final AtomicReference<KafkaConsumer<String, byte[]>> current = new AtomicReference<>();
  private final AtomicLong unreadable = new AtomicLong();
  private volatile boolean closed;

  public LifecycleFeed(KafkaEndpoint kafka, String topic, String clientId) {
    this.kafka = kafka;
    this.topic = topic;
    this.clientId = clientId;
  }

  /** Where the streams subscribe. */
  public LifecycleFanout fanout() {
    return fanout;
  }

  @Override
  public void firstOpened() {
    if (closed) return;
    long gen = generation.incrementAndGet();
    Thread.ofPlatform().name("tg-lifecycle-feed-" + clientId + "-" + gen).daemon().start(() -> run(gen));
  }

  @Override
  public void lastClosed() {
    generation.incrementAndGet();
    KafkaConsumer<String, byte[]> c = current.get();
    if (c != null) c.wakeup();
  }

  private boolean current(long gen) {
    return !closed && generation.get() == gen;
  }

  private void run(long gen) {
    Properties p = KafkaSetup.committedReader(kafka, clientId + "-lifecycle-" + gen, 1000, 100);
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    current.set(consumer);
    try {
      if (!current(gen)) return;
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      for (TopicPartition tp : partitions) consumer.position(tp, Duration.ofSeconds(30)); // the end as of now, not of the first fetch
      log.debug("Lifecycle feed {} reads {} partitions of {}", gen, partitions.size(), topic);
      while (current(gen)) {
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(Duration.ofMillis(500));
        } catch (WakeupException e) {
          continue; // stopped, or meant for a reader before this one: the loop's condition decides
        }
        for (ConsumerRecord<String, byte[]> r : records) publish(r);
      }
    } catch (WakeupException e) {
      // stopped while joining the topic
    } catch (RuntimeException e) {
      if (current(gen)) {
        log.warn("The lifecycle feed stopped ({}); its streams end and their clients may watch again", e.toString());
        fanout.failAll();
      }
    } finally {
      current.compareAndSet(consumer, null);
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void publish(ConsumerRecord<String, byte[]> r) {
    LifecycleEvent event;
    try {
      event = LifecycleJson.read(r.value());
    } catch (Exception e) {
      long n = unreadable.incrementAndGet();
      if (Long.bitCount(n) == 1) {
        log.warn("Skipped {} unreadable lifecycle records, the last at {}-{}@{}: {}", n, r.topic(), r.partition(), r.offset(), e.toString());
      }
      return;
    }
    fanout.publish(event);
  }

  /** Ends every stream and stops reading. */
  @Override
  public void close() {
    closed = true;
    fanout.close();
    KafkaConsumer<String, byte[]> c = current.get();
    if (c != null) c.wakeup();
  }
}
