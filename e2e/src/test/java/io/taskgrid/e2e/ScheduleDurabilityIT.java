package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskInfo;
import io.taskgrid.client.TaskQuery;
import io.taskgrid.client.TaskState;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.Tasks;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.Inspect;
import io.taskgrid.e2e.support.Runs;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.embedded.RedisProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * Registered tasks and their progress live in Kafka: a cluster whose Redis lost everything keeps
 * its tasks, keeps firing them where it left off, and does not run a fire again.
 */
class ScheduleDurabilityIT {
  private final RedisProcess redis = RedisProcess.start(false);
  private final TestCluster cluster = new TestCluster().redis(redis.redisUrl());
  private final Runs runs = new Runs();

  @AfterEach
  void stop() {
    cluster.close();
    redis.close();
  }

  @Test
  void tasksSurviveRedisLosingEverythingAndNoFireRunsTwice() {
    int port = TestCluster.freePort();
    Coordinator first = cluster.coordinator(port);
    String address = TestCluster.address(first);
    cluster.worker(List.of(address), w -> w.handler("record", runs.recorder()));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(address).build());
    Tasks tasks = client.tasks();
    tasks.create(TaskDefinition.builder("tick", "record").cron("* * * * * *").build());
    tasks.create(TaskDefinition.builder("once", "record").after("2s").build());
    await().atMost(Duration.ofSeconds(30)).until(() ->
        runs.count("once") == 1 && runs.count("tick") >= 5 && tasks.get("once").state() == TaskState.COMPLETED);

    first.close();
    RedissonClient r = Inspect.redis(redis.redisUrl());
    try {
      r.getKeys().flushall();
      assertThat(r.getKeys().count()).isZero();
    } finally {
      r.shutdown();
    }
    Instant restarted = Instant.now();
    cluster.coordinator(port);
    // the client's channel may still be backing off from the connections refused while no
    // coordinator listened (gRPC's reconnect backoff can outlast the SDK's retries of a read)
    await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(io.taskgrid.client.TaskgridUnavailableException.class)
        .until(() -> tasks.listAll(TaskQuery.all()).count() >= 0);

    assertThat(tasks.listAll(TaskQuery.all()).map(TaskInfo::id)).containsExactly("once", "tick");
    TaskInfo once = tasks.get("once");
    assertThat(once.state()).isEqualTo(TaskState.COMPLETED);
    assertThat(once.lastExecutionId()).contains(runs.of("once").get(0).executionId());
    assertThat(tasks.get("tick").state()).isEqualTo(TaskState.ACTIVE);
    await().atMost(Duration.ofSeconds(60)).until(() -> runs.fireTimes("tick", t -> t.isAfter(restarted)).size() >= 5);

    assertThat(runs.count("once")).isEqualTo(1);
    assertThat(runs.doubles("tick")).as("seconds that ran twice: %s", runs.describe("tick")).isEmpty();
    assertThat(runs.gaps("tick")).as("seconds that never ran: %s", runs.describe("tick")).isEmpty();
  }
}
