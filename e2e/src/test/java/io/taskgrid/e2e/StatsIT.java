package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ConcurrencyPolicy;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.RetryPolicy;
import io.taskgrid.client.Stats;
import io.taskgrid.client.StatsFilter;
import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.TaskgridInvalidArgumentException;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.worker.NonRetryableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GetStats over a real cluster: ends counted per handler, per task and in total; what runs and waits now; fires due. */
class StatsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final TestCluster cluster = new TestCluster();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    cluster.close();
  }

  private static Stats.Group handler(Stats stats, String name) {
    return stats.handlers().stream().filter(g -> g.handler().equals(name)).findFirst().orElseThrow();
  }

  private static Stats.Group task(Stats stats, String id) {
    return stats.tasks().stream().filter(g -> g.taskId().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void statsCountEndsPerHandlerTaskAndTotalAndShowWhatRunsWaitsAndIsScheduled() {
    Coordinator coordinator = cluster.coordinator();
    cluster.worker(List.of(TestCluster.address(coordinator)), w -> w
        .handler("alpha", ctx -> switch (ctx.payloadText()) {
          case "fail" -> throw new NonRetryableException("no");
          case "flaky" -> throw new IllegalStateException("again later");
          default -> "ok";
        })
        .handler("beta", ctx -> {
          if (ctx.payloadText().equals("block")) release.await();
          return "ok";
        }));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());
    // fires 10 minutes after its creation and every 10 minutes after: 6 in the next hour, none during the test
    client.tasks().create(TaskDefinition.builder("nightly", "alpha").cron("@every 10m").build());

    for (int i = 0; i < 3; i++) client.submit(TaskRequest.builder("alpha").payloadText("ok").build()).await(WAIT);
    assertThat(client.submit(TaskRequest.builder("alpha").payloadText("fail").build()).await(WAIT).status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(client.tasks().runNow("nightly").await(WAIT).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    client.submit(TaskRequest.builder("beta").payloadText("ok").build()).await(WAIT);

    ConcurrencyPolicy queue = ConcurrencyPolicy.key("gate").limit(1).overlap(ConcurrencyPolicy.Overlap.QUEUE).build();
    ConcurrencyPolicy skip = ConcurrencyPolicy.key("gate").limit(1).overlap(ConcurrencyPolicy.Overlap.SKIP).build();
    TaskHandle blocked = client.submit(TaskRequest.builder("beta").payloadText("block").concurrency(queue).build());
    await().atMost(WAIT).until(() -> client.get(blocked.id()).status() == ExecutionStatus.RUNNING);
    TaskHandle queued = client.submit(TaskRequest.builder("beta").payloadText("ok").concurrency(queue).build());
    await().atMost(WAIT).until(() -> client.get(queued.id()).status() == ExecutionStatus.QUEUED);
    assertThat(client.submit(TaskRequest.builder("beta").payloadText("ok").concurrency(skip).build()).await(WAIT).status())
        .isEqualTo(ExecutionStatus.SKIPPED);
    TaskHandle retrying = client.submit(TaskRequest.builder("alpha").payloadText("flaky")
        .retry(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofHours(1)).fixed().build()).build());
    await().atMost(WAIT).until(() -> client.get(retrying.id()).status() == ExecutionStatus.RETRY_SCHEDULED);

    Stats stats = client.stats();
    Stats.Group alpha = handler(stats, "alpha");
    assertThat(alpha.lastHour().succeeded()).isEqualTo(4);
    assertThat(alpha.lastHour().failed()).isEqualTo(1);
    assertThat(alpha.lastHour().successRate()).isEqualTo(0.8);
    assertThat(alpha.lastHour().p50()).isPresent();
    assertThat(alpha.lastHour().p99().orElseThrow()).isGreaterThanOrEqualTo(alpha.lastHour().p50().orElseThrow());
    assertThat(alpha.lastDay().succeeded()).isEqualTo(4);
    assertThat(alpha.waitingRetry()).isEqualTo(1);
    assertThat(alpha.scheduledNextHour()).isEqualTo(6);
    Stats.Group beta = handler(stats, "beta");
    assertThat(beta.running()).isEqualTo(1);
    assertThat(beta.waitingQueue()).isEqualTo(1);
    assertThat(beta.lastHour().succeeded()).isEqualTo(1);
    assertThat(beta.lastHour().skipped()).isEqualTo(1);
    Stats.Group nightly = task(stats, "nightly");
    assertThat(nightly.lastHour().succeeded()).isEqualTo(1);
    assertThat(nightly.lastDay().succeeded()).isEqualTo(1);
    assertThat(nightly.scheduledNextHour()).isEqualTo(6);
    assertThat(stats.total().lastHour().succeeded()).isEqualTo(5);
    assertThat(stats.total().lastHour().failed()).isEqualTo(1);
    assertThat(stats.total().lastHour().skipped()).isEqualTo(1);
    assertThat(stats.total().running()).isEqualTo(1);
    assertThat(stats.total().waitingQueue()).isEqualTo(1);
    assertThat(stats.total().waitingRetry()).isEqualTo(1);
    assertThat(stats.total().pending()).isZero();
    assertThat(stats.total().scheduledNextHour()).isEqualTo(6);

    Stats ofBeta = client.stats(StatsFilter.handler("beta"));
    assertThat(ofBeta.total().running()).isEqualTo(1);
    assertThat(ofBeta.total().lastHour().succeeded()).isEqualTo(1);
    assertThat(ofBeta.handlers()).extracting(Stats.Group::handler).containsExactly("beta");
    assertThat(ofBeta.tasks()).isEmpty();
    Stats ofNightly = client.stats(StatsFilter.task("nightly"));
    assertThat(ofNightly.total().lastHour().succeeded()).isEqualTo(1);
    assertThat(ofNightly.total().scheduledNextHour()).isEqualTo(6);
    assertThat(ofNightly.handlers()).isEmpty();
    assertThat(ofNightly.tasks()).extracting(Stats.Group::taskId).containsExactly("nightly");
    assertThat(client.stats(new StatsFilter("nightly", "beta")).total().lastHour().ended()).isZero();
    Stats unknown = client.stats(StatsFilter.task("no-such-task"));
    assertThat(unknown.total().lastDay().ended()).isZero();
    assertThat(unknown.total().scheduledNextHour()).isZero();
    assertThatThrownBy(() -> client.stats(StatsFilter.task("bad id!")))
        .isInstanceOf(TaskgridInvalidArgumentException.class).hasMessageContaining("task_id");

    release.countDown();
    client.cancel(retrying.id());
    await().atMost(WAIT).untilAsserted(() -> {
      Stats after = client.stats();
      assertThat(after.total().running()).isZero();
      assertThat(after.total().waitingQueue()).isZero();
      assertThat(after.total().waitingRetry()).isZero();
      assertThat(handler(after, "beta").lastHour().succeeded()).isEqualTo(3);
      assertThat(handler(after, "alpha").lastHour().cancelled()).isEqualTo(1);
      assertThat(after.total().lastDay().ended()).isEqualTo(10);
    });
  }
}
