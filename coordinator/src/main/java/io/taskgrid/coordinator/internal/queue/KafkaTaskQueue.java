package io.taskgrid.coordinator.internal.queue;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import io.taskgrid.core.TaskTopics;
import io.taskgrid.core.UnavailableException;
import io.taskgrid.telemetry.Telemetry;
import io.taskgrid.telemetry.TraceContexts;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.telemetry.CallTimer;
import io.taskgrid.telemetry.CoordinatorMeters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@link TaskQueue} on Kafka topics, one per priority ({@link TaskTopics}): each message goes to
 * its priority's topic, key = execution id, value = serialized {@link TaskMessage}.
 * The producer is idempotent with {@code acks=all}, so an acknowledged message is on every in-sync
 * replica and a retried send never duplicates it.
 *
 * <p>When tracing, the producer is OpenTelemetry's Kafka instrumentation: each send is a {@code
 * publish} span, child of the execution's trace context (carried in the message), whose W3C
 * {@code traceparent} goes in the record's headers.
 */
public final class KafkaTaskQueue implements TaskQueue, EventPublisher {
  /** Room for the message envelope around the largest payload. */
  private static final int ENVELOPE_BYTES = 64 * 1024;

  private final Producer<String, byte[]> producer;
  private final TaskTopics topics;
  private final CoordinatorMeters meters;
  private final Map<String, CallTimer> sendTimers = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, CallTimer> eventTimers = new java.util.concurrent.ConcurrentHashMap<>();
  private final OpenTelemetry openTelemetry;
  private final boolean tracing;

  public KafkaTaskQueue(String bootstrap, TaskTopics topics, String clientId, int maxPayloadBytes, CoordinatorMeters meters,
      OpenTelemetry openTelemetry) {
    this.topics = topics;
    this.meters = meters;
    this.openTelemetry = openTelemetry;
    this.tracing = Telemetry.isTracing(openTelemetry);
    Properties p = KafkaSetup.reliableProducer(bootstrap, clientId, maxPayloadBytes + ENVELOPE_BYTES);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    KafkaProducer<String, byte[]> kafka = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    this.producer = tracing ? KafkaTelemetry.create(openTelemetry).wrap(kafka) : kafka;
  }

  /**
   * Creates the topics that do not exist, sized for the largest payload. Waits up to {@code
   * timeout}; an existing topic is left as it is.
   */
  public static void ensureTopics(String bootstrap, List<String> topics, int partitions, short replication, int maxPayloadBytes,
      Duration timeout) {
    KafkaSetup.ensureTopics(bootstrap, timeout, topics.stream()
        .map(topic -> new NewTopic(topic, partitions, replication)
            .configs(Map.of("max.message.bytes", Integer.toString(maxPayloadBytes + ENVELOPE_BYTES),
                "min.insync.replicas", Integer.toString(Math.max(1, replication - 1)))))
        .toArray(NewTopic[]::new));
  }

  @Override
  public CompletionStage<Void> enqueue(List<TaskMessage> messages) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (messages.isEmpty()) {
      done.complete(null);
      return done;
    }
    AtomicInteger remaining = new AtomicInteger(messages.size());
    Map<String, String> lastCarrier = null;
    io.opentelemetry.context.Context lastContext = null;
    for (TaskMessage m : messages) {
      if (tracing && !m.getTraceContextMap().equals(lastCarrier)) { // a batch shares its call's context: parsed once
        lastCarrier = m.getTraceContextMap();
        lastContext = TraceContexts.extract(openTelemetry, lastCarrier);
      }
      String topic = ExecutionMessages.topicOf(topics, m);
      CallTimer sendTimer = sendTimers.computeIfAbsent(topic, meters::kafkaSend);
      long start = System.nanoTime();
      try (Scope scope = tracing ? lastContext.makeCurrent() : Scope.noop()) {
        producer.send(new ProducerRecord<>(topic, m.getExecutionId(), m.toByteArray()), (metadata, error) -> {
          sendTimer.ended(start, error);
          if (error != null) {
            done.completeExceptionally(new UnavailableException("Kafka did not accept the task: " + error.getMessage(), error));
          } else if (remaining.decrementAndGet() == 0) {
            done.complete(null);
          }
        });
      } catch (RuntimeException e) {
        done.completeExceptionally(new UnavailableException("Kafka did not accept the task: " + e.getMessage(), e));
        break;
      }
    }
    return done;
  }

  @Override
  public CompletionStage<String> publish(String topic, String key, byte[] value, String contentType) {
    CompletableFuture<String> done = new CompletableFuture<>();
    try {
      ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
      record.headers().add("content-type", contentType.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      CallTimer timer = eventTimers.computeIfAbsent(topic, meters::kafkaSend);
      long start = System.nanoTime();
      producer.send(record, (metadata, error) -> {
        timer.ended(start, error);
        if (error != null) {
          done.completeExceptionally(new UnavailableException("Kafka did not accept the event: " + error.getMessage(), error));
        } else {
          done.complete(metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset());
        }
      });
    } catch (RuntimeException e) {
      done.completeExceptionally(new UnavailableException("Kafka did not accept the event: " + e.getMessage(), e));
    }
    return done;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
