package io.taskgrid.wire.lifecycle;

import io.taskgrid.proto.v1.LifecycleEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends lifecycle events to the lifecycle topic, best effort. {@link #emit} only puts the event in
 * a bounded queue; one thread of this sink lets events gather for {@value #GATHER_MS} ms after the
 * first of a quiet spell, turns them into JSON and gives them to one producer, which sends them
 * together (a {@value #LINGER_MS} ms linger) and needs one acknowledgement (the leader's). Nothing here
 * waits on the task path: when Kafka is slow or away and the queue is full, events are dropped and
 * counted. An event can also be lost when the process dies with it queued or in flight.
 *
 * <p>Keys: the execution id for execution events, the task id for task events, so the events of
 * one execution are on one partition, in the order this process sent them.
 */
public final class KafkaLifecycleSink implements LifecycleSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaLifecycleSink.class);
  static final int QUEUE_CAPACITY = 16_384;
  private static final int BATCH = 512;
  /**
   * How long events gather once one arrives while the queue was short. The thread, and the
   * producer's sender thread, then wake once for many events instead of once per event (and per
   * partition): at a few workers' rates each wake-up cost about as much CPU as the event itself.
   */
  static final int GATHER_MS = 100;
  static final int LINGER_MS = 5;

  private final String topic;
  private final KafkaProducer<String, byte[]> producer;
  private final BlockingQueue<LifecycleEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Callback onSent;
  private volatile boolean closed;

  /**
   * @param producerSettings the process's usual producer settings (bootstrap, client id); the
   *     delivery settings of an observer stream are set over them (see {@link #settings})
   */
  public KafkaLifecycleSink(String topic, Properties producerSettings) {
    this.topic = topic;
    this.producer = new KafkaProducer<>(settings(producerSettings), new StringSerializer(), new ByteArraySerializer());
    this.onSent = (metadata, error) -> {
      if (error != null) countFailure(error);
    };
    this.thread = Thread.ofPlatform().name("tg-lifecycle-sender").daemon().unstarted(this::run);
    thread.start();
  }

  /**
   * {@code base} with what an observer stream needs: one acknowledgement, no idempotence (a
   * repeat is harmless: events carry an id), a short linger so that the events the thread hands
   * over together share requests (they were gathered already; a 25 ms linger on each event as it
   * came left most requests carrying one or two events at the rates of a few workers running slow
   * tasks, and this producer a sixth of a worker's CPU), no compression (the topic is for any consumer, and kafkajs, for one, reads no
   * lz4 or snappy without a plugin; compressing also cost this thread and the broker more CPU than
   * the bytes it saved on a local network), and bounded blocking (only this sink's thread ever
   * blocks).
   */
  static Properties settings(Properties base) {
    Properties p = new Properties();
    p.putAll(base);
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    p.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024);
    return p;
  }

  @Override
  public void emit(LifecycleEvent event) {
    if (closed || !queue.offer(event)) {
      long n = dropped.incrementAndGet();
      if (Long.bitCount(n) == 1) log.warn("Dropped {} lifecycle events so far: the queue to Kafka topic {} is full or closed", n, topic);
    }
  }

  /** Events dropped because the queue was full (Kafka slow or away) or the sink closed. */
  public long dropped() {
    return dropped.get();
  }

  /** Events Kafka did not take (sent, then failed). */
  public long failed() {
    return failed.get();
  }

  private void run() {
    List<LifecycleEvent> batch = new ArrayList<>(BATCH);
    while (!closed || !queue.isEmpty()) {
      try {
        LifecycleEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        // a quiet spell: let what follows gather (a busy queue is drained at once)
        if (queue.size() < BATCH && !closed) Thread.sleep(GATHER_MS);
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        for (LifecycleEvent e : batch) send(e);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        countFailure(e);
      } finally {
        batch.clear();
      }
    }
  }

  private void send(LifecycleEvent e) {
    String key = e.getExecutionId().isEmpty() ? e.getTaskId() : e.getExecutionId();
    try {
      producer.send(new ProducerRecord<>(topic, key, LifecycleJson.write(e)), onSent);
    } catch (RuntimeException error) {
      countFailure(error);
    }
  }

  private void countFailure(Exception error) {
    long n = failed.incrementAndGet();
    if (Long.bitCount(n) == 1) log.warn("{} lifecycle events could not be sent to Kafka topic {} so far; the last: {}", n, topic, error.toString());
  }

  /** Sends what is queued (up to a few seconds), then closes the producer. Idempotent. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) thread.interrupt();
    producer.close(Duration.ofSeconds(5));
  }
}
