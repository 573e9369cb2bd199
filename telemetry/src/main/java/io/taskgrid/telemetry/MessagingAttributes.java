package io.taskgrid.telemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Span attributes of the messaging semantic conventions that Taskgrid's Kafka spans use. Constants,
 * not strings at each call: an {@link AttributeKey} caches its UTF-8 form, which the OTLP exporter
 * writes for every attribute of every span, while {@code setAttribute(String, ...)} makes a new key
 * (and encodes its name again) each time.
 */
public final class MessagingAttributes {
  public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  public static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
  public static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
  public static final AttributeKey<String> DESTINATION_NAME = AttributeKey.stringKey("messaging.destination.name");
  public static final AttributeKey<String> PARTITION_ID = AttributeKey.stringKey("messaging.destination.partition.id");
  public static final AttributeKey<Long> KAFKA_OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  public static final AttributeKey<String> KAFKA_MESSAGE_KEY = AttributeKey.stringKey("messaging.kafka.message.key");
  public static final AttributeKey<Long> BATCH_MESSAGE_COUNT = AttributeKey.longKey("messaging.batch.message_count");

  private MessagingAttributes() {}
}
