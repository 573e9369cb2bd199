package io.taskgrid.coordinator.internal.queue;

import io.taskgrid.core.config.KafkaEndpoint;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.taskgrid.core.TaskTopics;
import io.taskgrid.core.UnavailableException;
import io.taskgrid.telemetry.MessagingAttributes;
import io.taskgrid.telemetry.Telemetry;
import io.taskgrid.telemetry.TraceContexts;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.telemetry.CallTimer;
import io.taskgrid.telemetry.CoordinatorMeters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@link TaskQueue} on Kafka topics, one per priority ({@link TaskTopics}): each message goes to
 * its priority's topic, key = execution id, value = serialized {@link TaskMessage}.
 * The producer is idempotent with {@code acks=all}, so an acknowledged message is on every in-sync
 * replica and a retried send never duplicates it.
 *
 * <p>When tracing, each {@link #enqueue} is one {@code publish <topic>} producer span (messaging
 * semantic conventions, a batch send), child of the trace context its messages carry (the submit
 * call's), open until Kafka acknowledged the batch; its W3C {@code traceparent} goes in the headers
 * of every record of the batch, so each execution's {@code process} span is its child. One span per
 * batch rather than per record (as OpenTelemetry's Kafka producer instrumentation makes): the
 * records of a call share its trace, and a span per task would be a fifth of tracing's cost for no
 * information (the topic, partition and offset are on the {@code process} span). An event published
 * through the API is a span of its own, whose context goes in the event record's headers.
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
  private final Tracer tracer;
  private final boolean tracing;

  public KafkaTaskQueue(KafkaEndpoint kafka, TaskTopics topics, String clientId, int maxPayloadBytes, CoordinatorMeters meters,
      OpenTelemetry openTelemetry) {
    this.topics = topics;
    this.meters = meters;
    this.openTelemetry = openTelemetry;
    this.tracer = openTelemetry.getTracer("io.taskgrid.coordinator");
    this.tracing = Telemetry.isTracing(openTelemetry);
    Properties p = KafkaSetup.reliableProducer(kafka, clientId, maxPayloadBytes + ENVELOPE_BYTES);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * Creates the topics that do not exist, sized for the largest payload. Waits up to {@code
   * timeout}; an existing topic is left as it is.
   */
  public static void ensureTopics(KafkaEndpoint kafka, List<String> topics, int partitions, short replication, int maxPayloadBytes,
      Duration timeout) {
    KafkaSetup.ensureTopics(kafka, timeout, topics.stream()
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
    List<Header> headers = null;
    for (int i = 0; i < messages.size(); i++) {
      TaskMessage m = messages.get(i);
      String topic = ExecutionMessages.topicOf(topics, m);
      if (tracing && !m.getTraceContextMap().equals(lastCarrier)) { // a batch shares its call's context: one span for it
        lastCarrier = m.getTraceContextMap();
        headers = publishSpan(TraceContexts.extract(openTelemetry, lastCarrier), topic, sameContext(messages, i), done);
      }
      CallTimer sendTimer = sendTimers.computeIfAbsent(topic, meters::kafkaSend);
      long start = System.nanoTime();
      try {
        producer.send(new ProducerRecord<>(topic, null, m.getExecutionId(), m.toByteArray(), headers), (metadata, error) -> {
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

  /** How many messages from {@code from} on carry its trace context (all of them, when they come from one call). */
  private static int sameContext(List<TaskMessage> messages, int from) {
    Map<String, String> carrier = messages.get(from).getTraceContextMap();
    int to = from + 1;
    while (to < messages.size() && messages.get(to).getTraceContextMap().equals(carrier)) to++;
    return to - from;
  }

  /**
   * Starts the producer span of sending {@code count} records to {@code topic} under {@code parent},
   * ended when {@code sent} completes; the headers that carry its context, shared by the records.
   */
  private List<Header> publishSpan(Context parent, String topic, int count, CompletableFuture<?> sent) {
    var b = tracer.spanBuilder("publish " + topic).setParent(parent).setSpanKind(SpanKind.PRODUCER)
        .setAttribute(MessagingAttributes.SYSTEM, "kafka")
        .setAttribute(MessagingAttributes.OPERATION_TYPE, "send")
        .setAttribute(MessagingAttributes.OPERATION_NAME, "send")
        .setAttribute(MessagingAttributes.DESTINATION_NAME, topic);
    if (count > 1) b.setAttribute(MessagingAttributes.BATCH_MESSAGE_COUNT, (long) count);
    Span span = b.startSpan();
    sent.whenComplete((ok, error) -> {
      if (error != null) span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
      span.end();
    });
    Map<String, String> carrier = TraceContexts.inject(openTelemetry, parent.with(span));
    List<Header> headers = new ArrayList<>(carrier.size());
    for (var e : carrier.entrySet()) headers.add(new RecordHeader(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8)));
    return headers;
  }

  @Override
  public CompletionStage<String> publish(String topic, String key, byte[] value, String contentType) {
    CompletableFuture<String> done = new CompletableFuture<>();
    try {
      ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
      record.headers().add("content-type", contentType.getBytes(StandardCharsets.UTF_8));
      if (tracing) { // the event's trace (the publishing call's) goes on to the executions it fires
        for (Header h : publishSpan(Context.current(), topic, 1, done)) record.headers().add(h);
      }
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
