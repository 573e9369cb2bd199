package io.taskgrid.wire.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.proto.v1.ExecutionStatus;
import io.taskgrid.proto.v1.LifecycleEvent;
import io.taskgrid.proto.v1.LifecycleEventKind;
import io.taskgrid.proto.v1.TaskMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class LifecycleEventsTest {
  private static final Instant NOW = Instant.parse("2026-12-01T17:02:11.482Z");
  private final List<LifecycleEvent> emitted = new ArrayList<>();
  private final LifecycleEvents events = new LifecycleEvents(emitted::add, "c-1", Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void anExecutionEventCarriesWhatItsMessageSays() {
    TaskMessage m = TaskMessage.newBuilder().setExecutionId("e-1").setHandler("send-report").setTaskId("nightly").setAttempt(2)
        .putLabels("team", "ops").build();

    events.execution(LifecycleEventKind.EXECUTION_STARTED, m, ExecutionStatus.EXECUTION_STATUS_RUNNING, "w-1", "");

    LifecycleEvent e = emitted.get(0);
    assertThat(e.getKind()).isEqualTo(LifecycleEventKind.EXECUTION_STARTED);
    assertThat(e.getExecutionId()).isEqualTo("e-1");
    assertThat(e.getHandler()).isEqualTo("send-report");
    assertThat(e.getTaskId()).isEqualTo("nightly");
    assertThat(e.getAttempt()).isEqualTo(2);
    assertThat(e.getWorkerId()).isEqualTo("w-1");
    assertThat(e.getSource()).isEqualTo("c-1");
    assertThat(e.getLabelsMap()).containsEntry("team", "ops");
    assertThat(e.getTime().getSeconds()).isEqualTo(NOW.getEpochSecond());
    assertThat(e.getTime().getNanos()).isEqualTo(NOW.getNano());
  }

  @Test
  void eventIdsAreDistinctVersion4Uuids() {
    events.task(LifecycleEventKind.TASK_PAUSED, "nightly");
    events.task(LifecycleEventKind.TASK_PAUSED, "nightly");

    UUID first = UUID.fromString(emitted.get(0).getEventId());
    assertThat(first.version()).isEqualTo(4);
    assertThat(first.variant()).isEqualTo(2);
    assertThat(emitted.get(1).getEventId()).isNotEqualTo(emitted.get(0).getEventId());
  }

  @Test
  void offEmitsNothing() {
    assertThat(LifecycleEvents.OFF.isOn()).isFalse();
    LifecycleEvents.OFF.task(LifecycleEventKind.TASK_DELETED, "nightly"); // and does not fail
  }

  @Test
  void theJsonIsOneLineWithEnumNamesAndRoundTrips() throws Exception {
    events.execution(LifecycleEventKind.EXECUTION_SKIPPED, "e-1", "h", "", 1, ExecutionStatus.EXECUTION_STATUS_SKIPPED, "w-1",
        "previous_instance_running");
    LifecycleEvent e = emitted.get(0);

    byte[] json = LifecycleJson.write(e);

    String text = new String(json, StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("\n").contains("\"kind\":\"EXECUTION_SKIPPED\"", "\"status\":\"EXECUTION_STATUS_SKIPPED\"",
        "\"reason\":\"previous_instance_running\"", "\"time\":\"2026-12-01T17:02:11.482Z\"").doesNotContain("taskId");
    assertThat(LifecycleJson.read(json)).isEqualTo(e);
    assertThat(LifecycleJson.read("{\"kind\":\"TASK_PAUSED\",\"aFieldOfLater\":1}".getBytes(StandardCharsets.UTF_8)).getKind())
        .isEqualTo(LifecycleEventKind.TASK_PAUSED);
  }

  @Test
  void theProducerIsSetUpForAnObserverStreamOverTheProcesssSettings() {
    Properties base = new Properties();
    base.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "k:9092");
    base.put(ProducerConfig.ACKS_CONFIG, "all");
    base.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);

    Properties p = KafkaLifecycleSink.settings(base);

    assertThat(p).containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "k:9092").containsEntry(ProducerConfig.ACKS_CONFIG, "1")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false).containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    assertThat((Integer) p.get(ProducerConfig.LINGER_MS_CONFIG)).isPositive();
  }
}
