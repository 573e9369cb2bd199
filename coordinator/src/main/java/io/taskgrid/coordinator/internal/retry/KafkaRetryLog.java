package io.taskgrid.coordinator.internal.retry;

import io.taskgrid.core.config.KafkaEndpoint;
import io.taskgrid.coordinator.internal.queue.KafkaSetup;
import io.taskgrid.core.UnavailableException;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.coordinator.internal.api.ProtoMapping;
import io.taskgrid.coordinator.internal.queue.ExecutionMessages;
import io.taskgrid.core.TaskTopics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The retries topic: {@code <tasks topic>.retries}, compacted, keyed by execution id, so it holds
 * at most one pending retry per execution and a released one is removed by its tombstone. Written
 * with acks from every in-sync replica before the outcome is recorded and acknowledged, so a
 * scheduled retry survives the loss of the worker, of any coordinator and of all Redis data.
 *
 * <p>A retry due within the leader's release lead ({@link #direct}) is written straight to the
 * tasks topic of its priority instead, as the leader would write it on reading it back, with the
 * same acks: the way through the retries topic (a write, the leader's read-committed fetch, which
 * waits for the leader's own release transactions on those partitions, and a release
 * transaction) took 100 to 400 ms under load, longer than a short retry's delay. The worker
 * starts it at its not_before either way.
 */
public final class KafkaRetryLog implements RetryLog {
  private final String topic;
  private final TaskTopics tasks;
  private final Duration releaseAhead;
  private final Clock clock;
  private final KafkaProducer<String, byte[]> producer;

  /**
   * @param tasks the tasks topics a retry due within {@code releaseAhead} goes to
   * @param releaseAhead how far ahead of its due time the leader releases a retry
   */
  public KafkaRetryLog(KafkaEndpoint kafka, String topic, TaskTopics tasks, Duration releaseAhead, Clock clock, String clientId,
      int maxRequestBytes) {
    this.topic = topic;
    this.tasks = tasks;
    this.releaseAhead = releaseAhead;
    this.clock = clock;
    Properties p = KafkaSetup.reliableProducer(kafka, clientId + "-retries", maxRequestBytes);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** The retries topic of a tasks topic. */
  public static String topicOf(String tasksTopic) {
    return tasksTopic + ".retries";
  }

  /** Creates the retries topic if missing: compacted, as many partitions as the tasks topic. */
  public static void ensureTopic(KafkaEndpoint kafka, String topic, int partitions, short replication, int maxRecordBytes, Duration timeout) {
    KafkaSetup.ensureTopics(kafka, timeout, new NewTopic(topic, partitions, replication).configs(Map.of(
        "cleanup.policy", "compact",
        "max.message.bytes", Integer.toString(maxRecordBytes),
        "min.insync.replicas", Integer.toString(Math.max(1, replication - 1)))));
  }

  /**
   * Whether a retry due at {@code notBefore} goes straight to the tasks topic at {@code now}: when
   * the leader, reading it, would release it at once.
   */
  static boolean direct(Instant notBefore, Instant now, Duration releaseAhead) {
    return !notBefore.isAfter(now.plus(releaseAhead));
  }

  @Override
  public CompletionStage<List<TaskMessage>> schedule(List<TaskMessage> retries) {
    if (retries.isEmpty()) return CompletableFuture.completedFuture(List.of());
    CompletableFuture<?>[] sends = new CompletableFuture<?>[retries.size()];
    List<TaskMessage> queued = new ArrayList<>();
    Instant now = clock.instant();
    try {
      for (int i = 0; i < retries.size(); i++) {
        TaskMessage m = retries.get(i);
        String to = topic;
        if (direct(ProtoMapping.toInstant("retry.not_before", m.getNotBefore()), now, releaseAhead)) {
          to = ExecutionMessages.topicOf(tasks, m);
          queued.add(m);
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(to, m.getExecutionId(), m.toByteArray()), (meta, error) -> {
          if (error != null) sent.completeExceptionally(new UnavailableException("cannot write a retry to Kafka: " + error.getMessage(), error));
          else sent.complete(null);
        });
        sends[i] = sent;
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new UnavailableException("cannot write a retry to Kafka: " + e.getMessage(), e));
    }
    return CompletableFuture.allOf(sends).thenApply(ignored -> queued);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
