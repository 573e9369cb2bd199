package io.taskgrid.coordinator.internal.retry;

import io.taskgrid.core.config.KafkaEndpoint;
import io.taskgrid.core.Threads;
import com.google.protobuf.InvalidProtocolBufferException;
import io.taskgrid.coordinator.internal.queue.KafkaSetup;
import io.taskgrid.coordinator.internal.schedule.LeaderElection;
import io.taskgrid.proto.v1.TaskMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import io.taskgrid.coordinator.internal.lifecycle.ExecutionEvents;
import java.util.ArrayList;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's releaser of retries: while this coordinator leads scheduling, one thread reads the
 * retries topic from its beginning (it is compacted: what is left is what is pending) into {@link
 * RetryTimers}, and writes each retry to the tasks topic when it is due (a little ahead, {@code
 * releaseAhead}, as fires are: the message's not_before keeps the exact start), together with a
 * tombstone of its retries record, in one Kafka transaction.
 *
 * <p>Exactly once across failover: a new leader's {@code initTransactions} fences the previous
 * leader's producer, so a paused former leader cannot release anything, and a crash between the
 * two writes cannot happen since they commit together. A retry released twice anyway (a
 * duplicate record written by a worker's resent batch) is done without running by the workers'
 * claim, which starts a retry only while its execution waits for that attempt. A coordinator
 * that does not lead keeps nothing.
 */
public final class RetryReleaser implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetryReleaser.class);
  private static final int MAX_BATCH = 500;
  private static final Duration MAX_SLEEP = Duration.ofSeconds(1);

  /** What the releaser needs from its coordinator's configuration. */
  public record Settings(KafkaEndpoint kafka, String clientId, String retriesTopic, String tasksTopic, String transactionalId,
      Duration releaseAhead, int maxRequestBytes) {}

  private final Settings settings;
  private final io.taskgrid.core.TaskTopics topics;
  private final LeaderElection election;
  private final Clock clock;
  private final Thread thread;
  private final RetryTimers timers = new RetryTimers();
  private final AtomicReference<KafkaConsumer<String, byte[]>> wakeable = new AtomicReference<>();
  private volatile boolean running = true;
  private volatile int pending;
  private final ExecutionEvents lifecycle;

  /** @param lifecycle where released retries are emitted as queued, once committed */
  public RetryReleaser(Settings settings, LeaderElection election, Clock clock, ExecutionEvents lifecycle) {
    this.lifecycle = lifecycle;
    this.settings = settings;
    this.topics = new io.taskgrid.core.TaskTopics(settings.tasksTopic());
    this.election = election;
    this.clock = clock;
    this.thread = Thread.ofPlatform().name("taskgrid-retry-releaser").daemon().unstarted(this::run);
  }

  /** Starts; the election is started by the scheduling loop that shares it. */
  public RetryReleaser start() {
    thread.start();
    return this;
  }

  public boolean isAlive() {
    return thread.isAlive();
  }

  /** Retries this leader holds, waiting to be released (0 when not leading). */
  public int pending() {
    return pending;
  }

  /** The topic a due retry goes to: the tasks topic of its priority. */
  String destinationOf(TaskMessage message) {
    return io.taskgrid.coordinator.internal.queue.ExecutionMessages.topicOf(topics, message);
  }

  private void run() {
    while (running) {
      if (!election.isLeader()) {
        Threads.pause(100);
        continue;
      }
      try {
        lead();
      } catch (ProducerFencedException | InvalidProducerEpochException e) {
        log.warn("Retry releaser fenced: another coordinator took over scheduling ({})", e.toString());
        election.resign();
      } catch (WakeupException e) {
        // closing
      } catch (RuntimeException e) {
        if (running) {
          log.warn("Retry release term ended by an error; starting again: {}", e.toString(), e);
          Threads.pause(500);
        }
      } finally {
        timers.clear();
        pending = 0;
      }
    }
  }

  private void lead() {
    try (KafkaProducer<String, byte[]> producer = newProducer(); KafkaConsumer<String, byte[]> consumer = newConsumer()) {
      producer.initTransactions(); // fences the previous leader's releaser
      List<TopicPartition> partitions = consumer.partitionsFor(settings.retriesTopic()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      timers.clear();
      wakeable.set(consumer);
      boolean caughtUp = false;
      try {
        while (running && election.isLeader()) {
          Duration wait = caughtUp ? timers.waitFrom(clock.instant(), settings.releaseAhead(), MAX_SLEEP) : Duration.ofMillis(100);
          ConsumerRecords<String, byte[]> records = consumer.poll(wait);
          for (ConsumerRecord<String, byte[]> r : records) apply(r);
          if (!caughtUp) {
            caughtUp = partitions.stream().allMatch(tp -> consumer.position(tp) >= end.getOrDefault(tp, 0L));
            if (!caughtUp) continue;
            log.info("Leading retry release: {} retries pending", timers.size());
          }
          List<RetryTimers.Pending> due;
          while (!(due = timers.due(clock.instant().plus(settings.releaseAhead()), MAX_BATCH)).isEmpty()) {
            release(producer, due);
          }
          pending = timers.size();
        }
      } finally {
        wakeable.set(null);
      }
    }
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null) return;
    if (r.value() == null) {
      timers.remove(r.key());
      return;
    }
    try {
      TaskMessage m = TaskMessage.parseFrom(r.value());
      Instant due = Instant.ofEpochSecond(m.getNotBefore().getSeconds(), m.getNotBefore().getNanos());
      timers.put(r.key(), m.getAttempt(), due, r.value());
    } catch (InvalidProtocolBufferException e) {
      log.warn("Ignoring an unreadable retry at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
    }
  }

  private void release(KafkaProducer<String, byte[]> producer, List<RetryTimers.Pending> due) {
    List<TaskMessage> released = new ArrayList<>(due.size());
    producer.beginTransaction();
    for (RetryTimers.Pending p : due) {
      TaskMessage m;
      try {
        m = TaskMessage.parseFrom(p.message());
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e); // parsed once already when read
      }
      producer.send(new ProducerRecord<>(destinationOf(m), p.executionId(), p.message()));
      producer.send(new ProducerRecord<>(settings.retriesTopic(), p.executionId(), null));
      released.add(m);
    }
    try {
      producer.commitTransaction();
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      throw e;
    } catch (KafkaException e) {
      // not committed: this term ends; the next one reads the topic again and releases them then
      throw new IllegalStateException("retry release transaction failed: " + e.getMessage(), e);
    }
    lifecycle.queued(released);
    timers.released(due);
    long lateMs = Duration.between(due.getFirst().dueAt(), clock.instant()).toMillis();
    if (lateMs > 50) {
      log.info("Released {} retries, the earliest {} ms after it was due ({} pending)", due.size(), lateMs, timers.size());
    } else if (log.isDebugEnabled()) {
      log.debug("Released {} retries", due.size());
    }
  }

  private KafkaProducer<String, byte[]> newProducer() {
    Properties p = KafkaSetup.reliableProducer(settings.kafka(), settings.clientId() + "-retry-releaser", settings.maxRequestBytes());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * The broker answers a fetch as soon as a committed retry arrives, however long it may hold an
   * empty one; the hold only sets how often an idle leader asks: at 100 ms that was half the
   * fetches an idle cluster made, and a tenth of an idle coordinator's CPU.
   */
  private KafkaConsumer<String, byte[]> newConsumer() {
    Properties c = io.taskgrid.coordinator.internal.queue.KafkaSetup.committedReader(settings.kafka(), settings.clientId() + "-retries", 2000, 1000);
    return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<String, byte[]> c = wakeable.get();
    if (c != null) c.wakeup();
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
