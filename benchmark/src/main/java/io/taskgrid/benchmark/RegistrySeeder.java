package io.taskgrid.benchmark;

import com.google.protobuf.Timestamp;
import io.taskgrid.core.schedule.Schedules;
import io.taskgrid.proto.v1.MisfirePolicy;
import io.taskgrid.proto.v1.Payload;
import io.taskgrid.proto.v1.Priority;
import io.taskgrid.proto.v1.TaskDefinition;
import io.taskgrid.proto.v1.TaskRecord;
import io.taskgrid.proto.v1.Trigger;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Registers many cron tasks at once by writing their records straight into the registry topic,
 * as the API would have written them one by one (the canonical form of {@code RegistryCodec}:
 * revision 1, created, updated and scheduled from {@code now}). Meant to run before a coordinator
 * starts, which then replays them.
 *
 * <p>The idle tasks are a mix of daily, weekday, weekly, monthly and hourly times in several zones,
 * each drawn again until its first fire (as Taskgrid's own cron engine computes it) lies after
 * {@code quietUntil}, so none of them fires while the benchmark measures. The due tasks fire
 * every second.
 */
final class RegistrySeeder {
  private static final String HANDLER = "noop-record";
  private static final List<String> ZONES = List.of("", "UTC", "Europe/London", "Europe/Berlin", "America/New_York",
      "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney");
  private static final Payload EMPTY_PAYLOAD = Payload.newBuilder().setContentType("application/octet-stream").build();

  /** What was written. */
  record Seeded(List<String> dueTaskIds, long records, int distinctExpressions, long bytes, long nanos) {}

  private final String bootstrap;
  private final String topic;
  private final Instant now;
  private final Instant quietUntil;
  private final Random random = new Random(42);
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  RegistrySeeder(String bootstrap, String topic, Instant now, Instant quietUntil) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.now = now;
    this.quietUntil = quietUntil;
  }

  /** Writes {@code idle} tasks that stay quiet and {@code due} per-second ones; returns once Kafka holds them all. */
  Seeded write(int idle, int due) throws InterruptedException, ExecutionException, TimeoutException {
    createCompactedTopic();
    long t0 = System.nanoTime();
    long bytes = 0;
    List<String> dueIds = new ArrayList<>();
    Set<String> expressions = new HashSet<>();
    try (KafkaProducer<String, byte[]> producer = newProducer()) {
      for (int i = 0; i < idle; i++) {
        String id = String.format("sched-%07d", i);
        String zone = ZONES.get(random.nextInt(ZONES.size()));
        String cron = quietCron(zone);
        expressions.add(cron);
        bytes += send(producer, id, cron, zone);
      }
      for (int i = 0; i < due; i++) {
        String id = String.format("tick-%02d", i);
        bytes += send(producer, id, "* * * * * *", "");
        dueIds.add(id);
      }
      producer.flush();
    }
    if (failure.get() != null) throw new IllegalStateException("writing the registry failed", failure.get());
    return new Seeded(dueIds, idle + due, expressions.size() + (due > 0 ? 1 : 0), bytes, System.nanoTime() - t0);
  }

  private long send(KafkaProducer<String, byte[]> producer, String id, String cron, String zone) {
    byte[] value = record(id, cron, zone).toByteArray();
    producer.send(new ProducerRecord<>(topic, id, value), (metadata, error) -> {
      if (error != null) failure.compareAndSet(null, error);
    });
    return id.length() + value.length;
  }

  /** A cron expression in {@code zone} that does not fire between now and {@code quietUntil}. */
  private String quietCron(String zone) {
    ZoneId z = zone.isEmpty() ? ZoneOffset.UTC : ZoneId.of(zone);
    for (int attempt = 0; attempt < 1000; attempt++) {
      String cron = randomCron();
      Instant first = Schedules.parse("cron", cron, z, now).next(now).orElseThrow();
      if (first.isAfter(quietUntil)) return cron;
    }
    throw new IllegalStateException("no quiet cron expression found in " + zone + " (quiet window too long?)");
  }

  /** Roughly how people schedule background jobs: mostly once a day, at times spread over the day. */
  private String randomCron() {
    int minute = random.nextInt(60);
    int hour = random.nextInt(24);
    int kind = random.nextInt(100);
    if (kind < 35) return minute + " " + hour + " * * *";                                   // daily
    if (kind < 55) return minute + " " + hour + " * * 1-5";                                 // weekdays
    if (kind < 65) return minute + " " + hour + " * * " + random.nextInt(7);                // weekly
    if (kind < 75) return minute + " " + hour + " " + (1 + random.nextInt(28)) + " * *";   // monthly
    if (kind < 90) return minute + " * * * *";                                             // hourly
    if (kind < 95) return random.nextInt(60) + " " + minute + " " + hour + " * * *";        // daily, to the second
    return minute + "," + (minute + 30) % 60 + " 8-18 * * 1-5";                             // twice an hour, office hours
  }

  /** The record the API writes for a newly created, enabled cron task with defaults for everything else. */
  private TaskRecord record(String id, String cron, String zone) {
    Timestamp created = Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
    TaskDefinition definition = TaskDefinition.newBuilder()
        .setId(id)
        .setName(id)
        .setHandler(HANDLER)
        .setPayload(EMPTY_PAYLOAD)
        .setTrigger(Trigger.newBuilder().setCron(cron))
        .setTimeZone(zone)
        .setEnabled(true)
        .setMisfirePolicy(MisfirePolicy.MISFIRE_POLICY_FIRE_ONCE)
        .setPriority(Priority.PRIORITY_MEDIUM)
        .build();
    return TaskRecord.newBuilder()
        .setDefinition(definition)
        .setCreatedAt(created)
        .setUpdatedAt(created)
        .setScheduleFrom(created)
        .setRevision(1)
        .build();
  }

  /** The registry topic as a coordinator creates it: compacted, one partition. */
  private void createCompactedTopic() throws InterruptedException, ExecutionException, TimeoutException {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      NewTopic t = new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", "compact", "max.message.bytes", "4194304"));
      admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
    }
  }

  private KafkaProducer<String, byte[]> newProducer() {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024),
        new StringSerializer(), new ByteArraySerializer());
  }
}
