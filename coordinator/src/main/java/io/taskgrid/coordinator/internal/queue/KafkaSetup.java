package io.taskgrid.coordinator.internal.queue;

import io.taskgrid.core.UnavailableException;
import io.taskgrid.core.config.KafkaEndpoint;
import io.taskgrid.wire.kafka.KafkaAccess;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Kafka client of the coordinator shares: how topics are created and producers
 * configured. Every client starts from {@link KafkaEndpoint#clientProperties()}, so all of them
 * use the configured servers and security.
 */
public final class KafkaSetup {
  private static final Logger log = LoggerFactory.getLogger(KafkaSetup.class);

  private KafkaSetup() {}

  /**
   * Creates the topics that do not exist; existing ones are left as they are. Waits up to {@code
   * timeout} for each.
   */
  public static void ensureTopics(KafkaEndpoint kafka, Duration timeout, NewTopic... topics) {
    Properties conf = kafka.clientProperties();
    conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(conf)) {
      for (NewTopic t : topics) {
        try {
          admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          log.info("Created topic {} with {} partitions {}", t.name(), t.numPartitions(), t.configs());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            KafkaAccess.rejectedSettings(kafka, e.getCause()).ifPresent(rejected -> {
              throw rejected;
            });
            throw new UnavailableException("cannot create Kafka topic " + t.name() + ": " + e.getCause(), e.getCause());
          }
        } catch (TimeoutException e) {
          throw new UnavailableException("Kafka did not answer within " + timeout + " creating topic " + t.name(), e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while creating Kafka topics", e);
    }
  }

  /**
   * A producer that loses nothing it acknowledged and never duplicates a retried send: acks from
   * every in-sync replica, idempotence, no lingering (latency matters at low rates; batches form by
   * themselves under load while a request is in flight). Callers add their time limits.
   */
  public static Properties reliableProducer(KafkaEndpoint kafka, String clientId, int maxRequestBytes) {
    Properties p = kafka.clientProperties();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestBytes);
    return p;
  }

  /**
   * A consumer of committed records only (a fenced leader's aborted writes never show), with no
   * automatic offset commits: the readers of the coordinator's own topics (registry, events,
   * retries) track their positions themselves.
   *
   * @param fetchMaxWaitMs how long the broker holds a fetch that has nothing yet: what an idle
   *     reader costs it, and how late a new record can be seen
   */
  public static Properties committedReader(KafkaEndpoint kafka, String clientId, int maxPollRecords, int fetchMaxWaitMs) {
    Properties c = kafka.clientProperties();
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchMaxWaitMs);
    return c;
  }
}
