package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.Priority;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Priorities reorder a backlog on a worker that runs one handler at a time. The first task holds
 * the worker busy (it waits on a gate) while the backlog is submitted behind it; when the gate
 * opens, the order in which the handler starts shows what the priorities did.
 */
class PriorityIT {
  private static final String HANDLER = "prio.record";

  private final TestCluster cluster = new TestCluster();
  /** The payloads of started tasks, in start order. */
  private final List<String> started = new CopyOnWriteArrayList<>();
  private final CountDownLatch gate = new CountDownLatch(1);
  private TaskgridClient client;

  @BeforeEach
  void start() {
    Coordinator coordinator = cluster.coordinator();
    client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());
    cluster.worker(cluster.workerConfig(List.of(TestCluster.address(coordinator))).withConcurrency(1), b -> b.handler(HANDLER, ctx -> {
      started.add(ctx.payloadText());
      if (!gate.await(2, TimeUnit.MINUTES)) throw new IllegalStateException("the gate never opened");
      return null;
    }));
  }

  @AfterEach
  void stop() {
    gate.countDown();
    cluster.close();
  }

  private static TaskRequest task(Priority priority, String name) {
    return TaskRequest.builder(HANDLER).priority(priority).payloadText(name).build();
  }

  private static List<TaskRequest> tasks(Priority priority, String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> task(priority, prefix + i)).toList();
  }

  private void occupyTheWorker() {
    client.submit(task(Priority.BACKGROUND, "blocker"));
    await().atMost(Duration.ofSeconds(60)).until(() -> started.contains("blocker"));
  }

  private static boolean isHigher(String name) {
    return name.startsWith("critical-") || name.startsWith("high-");
  }

  private static int lastIndex(List<String> names, java.util.function.Predicate<String> which) {
    for (int i = names.size() - 1; i >= 0; i--) {
      if (which.test(names.get(i))) return i;
    }
    return -1;
  }

  private static double averageIndex(List<String> names, String prefix) {
    return IntStream.range(0, names.size()).filter(i -> names.get(i).startsWith(prefix)).average().orElseThrow();
  }

  @Test
  void aCriticalTaskSubmittedBehindFiveThousandBackgroundTasksStartsBeforeNinetyFivePercentOfThem() {
    occupyTheWorker();
    client.submitAll(tasks(Priority.BACKGROUND, "background-", 5000));
    client.submit(task(Priority.CRITICAL, "critical"));

    gate.countDown();

    await().atMost(Duration.ofMinutes(2)).until(() -> started.contains("critical"));
    // the handlers go on appending: read one snapshot (a sub-list of the live list fails when it grows)
    List<String> order = List.copyOf(started);
    long backgroundBefore = order.subList(0, order.indexOf("critical")).stream().filter(n -> n.startsWith("background-")).count();
    assertThat(backgroundBefore).as("background tasks started before the critical one").isLessThan(5000 * 5 / 100);
  }

  @Test
  void backgroundTasksKeepStartingWhileHigherPriorityWorkIsAlwaysWaiting() {
    occupyTheWorker();
    client.submitAll(tasks(Priority.BACKGROUND, "background-", 200));
    List<TaskRequest> higher = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      higher.add(task(Priority.CRITICAL, "critical-" + i));
      higher.add(task(Priority.HIGH, "high-" + i));
    }
    client.submitAll(higher);

    gate.countDown();

    // a thousand higher tasks wait while the worker runs one at a time: by priority alone no
    // background task would start until they all had
    await().atMost(Duration.ofMinutes(2)).until(() -> started.stream().filter(PriorityIT::isHigher).count() >= 1000);
    List<String> order = List.copyOf(started);
    assertThat(order.subList(1, 101)).as("the first hundred starts after the gate opened: higher work first")
        .filteredOn(n -> n.startsWith("background-")).hasSizeLessThanOrEqualTo(30);
    List<String> whileHigherWaited = order.subList(1, lastIndex(order, PriorityIT::isHigher) + 1);
    long background = whileHigherWaited.stream().filter(n -> n.startsWith("background-")).count();
    assertThat(background).as("background starts among the %d after the gate opened", whileHigherWaited.size())
        .isGreaterThanOrEqualTo(whileHigherWaited.size() / 20);
    // and priority still orders the rest: critical tasks start, on average, before high ones
    assertThat(averageIndex(order, "critical-")).isLessThan(averageIndex(order, "high-"));
  }
}
