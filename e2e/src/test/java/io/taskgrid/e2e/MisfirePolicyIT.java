package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionQuery;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.MisfirePolicy;
import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.e2e.support.Runs;
import io.taskgrid.e2e.support.TestCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fires that fell due while no coordinator led, and are later than the misfire grace, follow each
 * task's misfire policy: skip drops them, fire_once runs one, catch_up runs every one. Each dropped
 * fire is a SKIPPED execution with reason misfire.
 */
class MisfirePolicyIT {
  private static final Duration GRACE = Duration.ofSeconds(1);
  private static final Duration DOWNTIME = Duration.ofSeconds(6);

  private final TestCluster cluster = new TestCluster();
  private final Runs runs = new Runs();

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void firesMissedWhileNoCoordinatorLedFollowEachTasksMisfirePolicy() {
    int port = TestCluster.freePort();
    CoordinatorConfig config = cluster.coordinatorConfig(port).withScheduling(cluster.coordinatorConfig(port).scheduling().withMisfireGrace(GRACE));
    Coordinator first = cluster.coordinator(config);
    String address = TestCluster.address(first);
    cluster.worker(List.of(address), w -> w.handler("record", runs.recorder()));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(address).build());
    for (MisfirePolicy policy : MisfirePolicy.values()) {
      client.tasks().create(TaskDefinition.builder(policy.name().toLowerCase(), "record").cron("* * * * * *").misfirePolicy(policy).build());
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> List.of("skip", "fire_once", "catch_up").stream().allMatch(t -> runs.count(t) >= 3));

    first.close();
    Instant stopped = Instant.now();
    // the outage itself: time has to pass with no coordinator running
    await().pollInterval(Duration.ofMillis(100)).atMost(DOWNTIME.plusSeconds(5)).until(() -> Instant.now().isAfter(stopped.plus(DOWNTIME)));
    Instant restarted = Instant.now();
    cluster.coordinator(config);
    await().atMost(Duration.ofSeconds(30)).until(() -> List.of("skip", "fire_once", "catch_up").stream()
        .allMatch(t -> !runs.fireTimes(t, f -> f.isAfter(restarted.plusSeconds(2))).isEmpty()));

    // fire times already more than the grace late whenever the new leader planned: skip drops them
    Instant lateFrom = stopped.plusSeconds(2);
    Instant lateTo = restarted.minus(GRACE).minusSeconds(1);
    assertThat(runs.fireTimes("skip", f -> !f.isBefore(lateFrom) && !f.isAfter(lateTo))).as(runs.describe("skip")).isEmpty();
    assertThat(runs.gaps("skip")).as(runs.describe("skip")).isNotEmpty();
    // all three were planned at the same instant: fire_once runs one fire more than skip (the latest
    // missed one), just before skip's first, and nothing else of the outage
    Instant skipResumed = firstFireAfter("skip", stopped.plusSeconds(1));
    assertThat(firstFireAfter("fire_once", stopped.plusSeconds(1))).as(runs.describe("fire_once")).isEqualTo(skipResumed.minusSeconds(1));
    assertThat(runs.fireTimes("fire_once", f -> !f.isBefore(lateFrom) && f.isBefore(skipResumed.minusSeconds(1)))).isEmpty();
    assertThat(runs.gaps("catch_up")).as(runs.describe("catch_up")).isEmpty();
    for (String task : List.of("skip", "fire_once", "catch_up")) {
      assertThat(runs.doubles(task)).as(runs.describe(task)).isEmpty();
    }

    // every fire the policies dropped is in the history: a SKIPPED execution with reason misfire and
    // its fire time, exactly one per dropped fire, and nothing for what ran
    for (String task : List.of("skip", "fire_once")) {
      List<Instant> dropped = runs.gaps(task);
      // the client reconnects to the restarted coordinator (its channel may be in backoff meanwhile)
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(skippedFireTimes(client, task))
          .as(runs.describe(task)).containsExactlyInAnyOrderElementsOf(dropped));
      for (ExecutionInfo e : skipped(client, task)) {
        assertThat(e.reason()).isEqualTo("misfire");
        assertThat(e.handler()).isEqualTo("record");
        assertThat(e.taskId()).isEqualTo(task);
        assertThat(client.get(e.executionId()).status()).isEqualTo(ExecutionStatus.SKIPPED);
      }
    }
    assertThat(skipped(client, "catch_up")).isEmpty();
  }

  private static List<ExecutionInfo> skipped(TaskgridClient client, String task) {
    return client.listAllExecutions(ExecutionQuery.all().withTaskId(task).withStatuses(ExecutionStatus.SKIPPED)).toList();
  }

  private static List<Instant> skippedFireTimes(TaskgridClient client, String task) {
    return skipped(client, task).stream().map(e -> Instant.parse(e.labels().get("taskgrid/fire-time"))).toList();
  }

  private Instant firstFireAfter(String task, Instant after) {
    return runs.fireTimes(task, f -> f.isAfter(after)).stream().min(Instant::compareTo).orElseThrow();
  }
}
