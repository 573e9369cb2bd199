package io.taskgrid.coordinator.internal.registry;

import io.taskgrid.core.config.KafkaEndpoint;
import io.taskgrid.core.Threads;
import io.taskgrid.coordinator.internal.queue.KafkaSetup;
import io.taskgrid.core.UnavailableException;
import io.taskgrid.core.task.FireProgress;
import io.taskgrid.core.task.RegisteredTask;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.proto.v1.FireRecord;
import io.taskgrid.proto.v1.TaskRecord;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry on Kafka, its source of truth: two compacted topics keyed by task id, one of task
 * records and one of fire progress. A reader thread replays both from the start into a {@link
 * RegistryView} and follows them, so every coordinator holds the whole registry (reads need no
 * Redis) and a standby is ready to lead at once. Reads are {@code read_committed}: fire progress
 * of an aborted scheduling transaction is never seen.
 */
public final class KafkaRegistryLog implements RegistryLog, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaRegistryLog.class);
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);
  private static final int MAX_RECORD_BYTES = 4 * 1024 * 1024;
  /**
   * Key suffix of a task's last RunTask on the fires topic, beside its trigger's progress keyed by
   * the bare id. Task ids cannot contain '!', so no id collides with it; a run record is written by
   * whichever coordinator served the call and never moves the schedule.
   */
  static final String RUN_SUFFIX = "!run";

  private final String registryTopic;
  private final String firesTopic;
  private final ZoneId defaultZone;
  private final RegistryView view;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final List<TopicPartition> partitions;
  private final ConcurrentLinkedQueue<CompletableFuture<Void>> syncRequests = new ConcurrentLinkedQueue<>();
  private final List<CompletableFuture<Void>> asked = new ArrayList<>(); // taken from syncRequests, no target yet
  private final List<Sync> syncs = new ArrayList<>();
  private final Thread reader;
  private volatile boolean running = true;

  private record Sync(Map<TopicPartition, Long> targets, CompletableFuture<Void> done) {}

  public KafkaRegistryLog(KafkaEndpoint kafka, String registryTopic, String firesTopic, String clientId, ZoneId defaultZone, RegistryView view) {
    this.registryTopic = registryTopic;
    this.firesTopic = firesTopic;
    this.defaultZone = defaultZone;
    this.view = view;
    this.partitions = List.of(new TopicPartition(registryTopic, 0), new TopicPartition(firesTopic, 0));
    // records arrive as soon as written; sync() wakes the reader itself
    Properties c = KafkaSetup.committedReader(kafka, clientId + "-registry-reader", 5000, 500);
    consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    Properties p = KafkaSetup.reliableProducer(kafka, clientId + "-registry-writer", MAX_RECORD_BYTES);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 12_000);
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    reader = new Thread(this::read, "taskgrid-registry-reader");
    reader.setDaemon(true);
  }

  /** Creates the two compacted topics if they do not exist (one partition each: one total order). */
  public static void ensureTopics(KafkaEndpoint kafka, short replication, Duration timeout, String... topics) {
    NewTopic[] compacted = new NewTopic[topics.length];
    for (int i = 0; i < topics.length; i++) {
      compacted[i] = new NewTopic(topics[i], 1, replication).configs(Map.of(
          "cleanup.policy", "compact",
          "max.message.bytes", Integer.toString(MAX_RECORD_BYTES),
          "min.insync.replicas", Integer.toString(Math.max(1, replication - 1))));
    }
    KafkaSetup.ensureTopics(kafka, timeout, compacted);
  }

  public String firesTopic() {
    return firesTopic;
  }

  /** Starts reading; {@link #sync()} tells when the whole registry is loaded. */
  public KafkaRegistryLog start() {
    reader.start();
    return this;
  }

  /**
   * Completes once the view holds everything written to the registry before this call: a read
   * after it sees every write acknowledged before it (on any coordinator).
   */
  public CompletableFuture<Void> sync() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    syncRequests.add(done);
    consumer.wakeup();
    return done;
  }

  /** Waits for {@link #sync()}, as an {@link UnavailableException} if Kafka does not answer in time. */
  @Override
  public void awaitSync(Duration timeout) {
    await(sync(), timeout, "reading the task registry");
  }

  /** Writes a task record and waits until this coordinator's view holds it. */
  @Override
  public void write(RegisteredTask task) {
    send(new ProducerRecord<>(registryTopic, task.id().value(), RegistryCodec.toRecord(task).toByteArray()));
  }

  /**
   * Records a task's latest RunTask (its execution and when it ran) and completes once this
   * coordinator's view holds it; it shows on the task as its last fire unless its trigger fired
   * later.
   */
  @Override
  public CompletableFuture<Void> recordRun(TaskId id, FireProgress run) {
    CompletableFuture<Void> written = new CompletableFuture<>();
    producer.send(new ProducerRecord<>(firesTopic, id.value() + RUN_SUFFIX, RegistryCodec.toRecord(run).toByteArray()), (m, e) -> {
      if (e != null) written.completeExceptionally(e);
      else written.complete(null);
    });
    return written.thenCompose(x -> sync());
  }

  /** Deletes a task (and its progress) and waits until this coordinator's view no longer holds it. */
  @Override
  public void delete(TaskId id) {
    producer.send(new ProducerRecord<>(firesTopic, id.value() + RUN_SUFFIX, null));
    producer.send(new ProducerRecord<>(firesTopic, id.value(), null));
    send(new ProducerRecord<>(registryTopic, id.value(), null));
  }

  private void send(ProducerRecord<String, byte[]> record) {
    try {
      producer.send(record).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new UnavailableException("Kafka did not accept the registry write: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while writing the registry", e);
    } catch (TimeoutException e) {
      throw new UnavailableException("Kafka did not acknowledge the registry write within " + WRITE_TIMEOUT.toSeconds() + "s", e);
    }
    awaitSync(WRITE_TIMEOUT);
  }

  private static void await(CompletableFuture<Void> f, Duration timeout, String what) {
    try {
      f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new UnavailableException(what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while " + what, e);
    } catch (TimeoutException e) {
      throw new UnavailableException("Kafka did not answer within " + timeout.toSeconds() + "s " + what, e);
    }
  }

  private void read() {
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    long backoff = 100;
    while (running) {
      try {
        try {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            apply(r);
          }
        } catch (WakeupException e) {
          // a sync request or close: handled below
        }
        if (!running) break;
        settleSyncs();
        backoff = 100;
      } catch (WakeupException e) {
        // woken outside poll: go round again
      } catch (RuntimeException e) {
        if (!running) break;
        log.warn("Reading the task registry failed; retrying in {} ms: {}", backoff, e.toString());
        Threads.pause(backoff);
        backoff = Math.min(5_000, backoff * 2);
      }
    }
    for (Sync s : syncs) s.done().completeExceptionally(new UnavailableException("coordinator stopping", null));
    for (CompletableFuture<Void> a : asked) a.completeExceptionally(new UnavailableException("coordinator stopping", null));
    CompletableFuture<Void> f;
    while ((f = syncRequests.poll()) != null) f.completeExceptionally(new UnavailableException("coordinator stopping", null));
    consumer.close(Duration.ofSeconds(2));
  }

  private void settleSyncs() {
    CompletableFuture<Void> f;
    while ((f = syncRequests.poll()) != null) asked.add(f);
    if (!asked.isEmpty()) {
      // end offsets read after the requests were made: everything acknowledged before them is below
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(10)));
      for (CompletableFuture<Void> a : asked) syncs.add(new Sync(ends, a));
      asked.clear();
    }
    syncs.removeIf(s -> {
      for (var e : s.targets().entrySet()) {
        if (consumer.position(e.getKey()) < e.getValue()) return false;
      }
      s.done().complete(null);
      return true;
    });
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    boolean run = r.topic().equals(firesTopic) && r.key() != null && r.key().endsWith(RUN_SUFFIX);
    TaskId id;
    try {
      id = new TaskId(run ? r.key().substring(0, r.key().length() - RUN_SUFFIX.length()) : r.key());
    } catch (RuntimeException e) {
      log.warn("Ignoring a registry record with key {} at {}-{}@{}: {}", r.key(), r.topic(), r.partition(), r.offset(), e.getMessage());
      return;
    }
    try {
      if (r.topic().equals(registryTopic)) {
        if (r.value() == null) {
          view.remove(id);
        } else {
          view.put(RegistryCodec.fromRecord(TaskRecord.parseFrom(r.value()), defaultZone));
        }
      } else if (run) {
        if (r.value() == null) view.removeRun(id);
        else view.putRun(id, RegistryCodec.fromRecord(FireRecord.parseFrom(r.value())));
      } else if (r.value() == null) {
        view.removeProgress(id);
      } else {
        view.putProgress(id, RegistryCodec.fromRecord(FireRecord.parseFrom(r.value())));
      }
    } catch (Exception e) {
      // one unreadable record (written by a newer version, say) must not stop the registry
      log.error("Ignoring an unreadable registry record for task {} at {}-{}@{}: {}", id, r.topic(), r.partition(), r.offset(), e.toString());
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
