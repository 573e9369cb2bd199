package io.taskgrid.worker.internal;

import io.taskgrid.core.config.KafkaEndpoint;
import com.google.protobuf.InvalidProtocolBufferException;
import io.taskgrid.core.Priority;
import io.taskgrid.core.TaskTopics;
import io.taskgrid.proto.v1.TaskMessage;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the worker's {@link KafkaConsumer}: polls task messages from the topics
 * of every priority, hands them on, pauses a priority's partitions while too many of its messages
 * are in flight ({@link TopicPauses}), and commits offsets that {@link OffsetTracker} says are
 * safe. On a revoke it commits what is done for those partitions first.
 */
public final class ConsumerLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration COMMIT_INTERVAL = Duration.ofMillis(200);
  private static final long LAG_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

  private final KafkaConsumer<String, byte[]> consumer;
  private final TaskTopics topics;
  private final InFlight inFlight;
  private final Consumer<Delivery> sink;
  private final TopicPauses pauses;
  private final Thread thread;
  private final ExecutionTracing tracing;
  private volatile boolean draining;
  private volatile boolean stopped;
  private volatile boolean abandon;
  /** Priorities whose partitions are paused now; touched only by the loop thread. */
  private Set<Priority> paused = EnumSet.noneOf(Priority.class);
  private long lastCommit;
  private long lastLag;
  /** Lag per assigned partition by topic, as of the last fetch; written by the loop thread, read by metrics. */
  private volatile Map<String, Map<Integer, Long>> lags = Map.of();

  /** @param maxInFlight the deliveries of one priority in flight at which its topic pauses */
  public ConsumerLoop(KafkaEndpoint kafka, TaskTopics topics, String group, String clientId, Duration sessionTimeout, InFlight inFlight,
      Consumer<Delivery> sink, int maxInFlight, ExecutionTracing tracing) {
    this.tracing = tracing;
    Properties p = kafka.clientProperties();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // scheduled fires are written in Kafka transactions with their schedule progress: a fire whose
    // transaction was aborted (its leader was fenced) must never run
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
    // each priority's partitions spread over the workers; cooperative-sticky second, so a group still
    // holding workers of a version without it agrees on that one until they are all replaced
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        List.of(PerTopicAssignor.class.getName(), CooperativeStickyAssignor.class.getName()));
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(300, sessionTimeout.toMillis() / 4));
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    this.topics = topics;
    this.inFlight = inFlight;
    this.sink = sink;
    this.pauses = new TopicPauses(maxInFlight);
    this.thread = Thread.ofPlatform().name("tg-worker-consumer").unstarted(this::loop);
  }

  public void start() {
    thread.start();
  }

  private void loop() {
    consumer.subscribe(topics.all(), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (abandon) return;
        commitSync(inFlight.offsets().committable(partitions));
        inFlight.offsets().remove(partitions);
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) log.info("Assigned {}", partitions);
        List<TopicPartition> pause = partitions.stream().filter(tp -> draining || paused.contains(priorityOf(tp))).toList();
        if (!pause.isEmpty()) consumer.pause(pause);
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        inFlight.offsets().remove(partitions);
      }
    });
    try {
      while (!stopped) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          accept(record);
        }
        applyBackpressure();
        commitIfDue();
        measureLagIfDue();
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } catch (RuntimeException e) {
      log.error("Consumer loop failed; this worker stops consuming", e);
    } finally {
      try {
        if (!abandon) commitSync(inFlight.offsets().committable(null));
      } finally {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
      }
    }
  }

  private void accept(ConsumerRecord<String, byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    TaskMessage message;
    try {
      message = TaskMessage.parseFrom(record.value());
      // a message another producer wrote with an id no execution can have: its outcome could never be recorded
      io.taskgrid.core.ExecutionId.parse("execution_id", message.getExecutionId());
    } catch (InvalidProtocolBufferException | NullPointerException | io.taskgrid.core.InvalidArgumentException e) {
      // a record that is not a task message can never run; holding its offset would stall the partition
      log.error("Skipping record {}@{}: not a TaskMessage ({})", tp, record.offset(), e.getMessage());
      inFlight.offsets().started(tp, record.offset());
      inFlight.offsets().done(tp, record.offset());
      return;
    }
    Delivery d = new Delivery(tp, record.offset(), message, tracing.process(record, message));
    inFlight.started(d);
    sink.accept(d);
  }

  private void applyBackpressure() {
    Set<Priority> wanted = pauses.update(p -> inFlight.count(topics.forPriority(p)), draining);
    if (wanted.equals(paused)) return;
    List<TopicPartition> pause = consumer.assignment().stream()
        .filter(tp -> wanted.contains(priorityOf(tp)) && !paused.contains(priorityOf(tp))).toList();
    List<TopicPartition> resume = consumer.assignment().stream()
        .filter(tp -> !wanted.contains(priorityOf(tp)) && paused.contains(priorityOf(tp))).toList();
    if (!pause.isEmpty()) consumer.pause(pause);
    if (!resume.isEmpty()) consumer.resume(resume);
    paused = wanted;
  }

  private Priority priorityOf(TopicPartition tp) {
    return topics.priorityOf(tp.topic()).orElse(Priority.MEDIUM);
  }

  private void commitIfDue() {
    long now = System.nanoTime();
    if (now - lastCommit < COMMIT_INTERVAL.toNanos()) return;
    lastCommit = now;
    Map<TopicPartition, OffsetAndMetadata> offsets = inFlight.offsets().committable(null);
    if (offsets.isEmpty()) return;
    consumer.commitAsync(offsets, (committed, error) -> {
      if (error == null) {
        inFlight.offsets().committed(committed);
      } else {
        log.debug("Commit failed (will retry): {}", error.toString());
      }
    });
  }

  private void measureLagIfDue() {
    long now = System.nanoTime();
    if (now - lastLag < LAG_INTERVAL_NANOS) return;
    lastLag = now;
    Map<String, Map<Integer, Long>> m = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      consumer.currentLag(tp) // from fetch responses: no broker call
          .ifPresent(lag -> m.computeIfAbsent(tp.topic(), t -> new HashMap<>()).put(tp.partition(), lag));
    }
    m.replaceAll((t, byPartition) -> Map.copyOf(byPartition));
    lags = Map.copyOf(m);
  }

  /** Messages not yet fetched, per assigned partition by topic, as of the last second. */
  public Map<String, Map<Integer, Long>> lags() {
    return thread.isAlive() ? lags : Map.of();
  }

  /** Whether the consumer thread runs (for liveness). */
  public boolean isAlive() {
    return thread.isAlive();
  }

  private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (offsets.isEmpty()) return;
    try {
      consumer.commitSync(offsets, Duration.ofSeconds(5));
      inFlight.offsets().committed(offsets);
    } catch (RuntimeException e) {
      log.warn("Could not commit {}: {}", offsets.keySet(), e.toString());
    }
  }

  /** Stops fetching new records; the loop keeps committing what completes. */
  public void drain() {
    draining = true;
  }

  /** Stops without committing anything more, as a crash would. */
  public void drainAndAbandon() {
    stopped = true;
    abandon = true;
    consumer.wakeup();
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Commits what is done, leaves the group and stops the thread. */
  @Override
  public void close() {
    if (stopped) return;
    stopped = true;
    consumer.wakeup();
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
