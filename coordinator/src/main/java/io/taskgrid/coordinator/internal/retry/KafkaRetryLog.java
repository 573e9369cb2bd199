package io.taskgrid.coordinator.internal.retry;

import io.taskgrid.core.config.KafkaEndpoint;
import io.taskgrid.coordinator.internal.queue.KafkaSetup;
import io.taskgrid.core.UnavailableException;
import io.taskgrid.proto.v1.TaskMessage;
import java.time.Duration;
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
 */
public final class KafkaRetryLog implements RetryLog {
  private final String topic;
  private final KafkaProducer<String, byte[]> producer;

  public KafkaRetryLog(KafkaEndpoint kafka, String topic, String clientId, int maxRequestBytes) {
    this.topic = topic;
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

  @Override
  public CompletionStage<Void> schedule(List<TaskMessage> retries) {
    if (retries.isEmpty()) return CompletableFuture.completedFuture(null);
    CompletableFuture<?>[] sends = new CompletableFuture<?>[retries.size()];
    try {
      for (int i = 0; i < retries.size(); i++) {
        TaskMessage m = retries.get(i);
        CompletableFuture<Void> sent = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, m.getExecutionId(), m.toByteArray()), (meta, error) -> {
          if (error != null) sent.completeExceptionally(new UnavailableException("cannot write a retry to Kafka: " + error.getMessage(), error));
          else sent.complete(null);
        });
        sends[i] = sent;
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new UnavailableException("cannot write a retry to Kafka: " + e.getMessage(), e));
    }
    return CompletableFuture.allOf(sends);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
