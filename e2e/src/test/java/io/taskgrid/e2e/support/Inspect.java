package io.taskgrid.e2e.support;

import io.taskgrid.core.config.RedisEndpoint;
import io.taskgrid.redis.RedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.redisson.api.RedissonClient;

/** Looks at Kafka and Redis directly, to check what the system did and did not write. */
public final class Inspect {
  private Inspect() {}

  /** Messages ever written to {@code topic} (sum of end offsets). */
  public static long messagesIn(String bootstrap, String topic, int partitions) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
      return c.endOffsets(tps, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Offsets the group committed, summed over the topic's partitions. */
  public static long committedBy(String bootstrap, String group, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
          .filter(e -> e.getKey().topic().equals(topic))
          .mapToLong(e -> e.getValue().offset())
          .sum();
    }
  }

  /** A Redisson client for assertions about Redis contents (one server or Sentinel, as Taskgrid connects). */
  public static RedissonClient redis(String url) {
    return new RedisConnection(RedisEndpoint.parse("TASKGRID_REDIS_URL", url), "taskgrid-inspect", 1, 4).open();
  }

  /** Keys under a namespace. */
  /** Keys of executions and idempotency keys in {@code namespace} (not the scheduler's leader lease). */
  public static long keysIn(RedissonClient redis, String namespace) {
    return redis.getKeys().getKeysStreamByPattern("tg:" + namespace + ":*")
        .filter(k -> !k.equals("tg:" + namespace + ":scheduler-leader")).count();
  }
}
