package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.CircuitBreakerInfo;
import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.worker.CircuitBreakerOptions;
import io.taskgrid.worker.HandlerOptions;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Circuit breakers shared by the cluster: three workers, a handler whose downstream is down. */
class CircuitBreakerIT {
  private static final Logger log = LoggerFactory.getLogger(CircuitBreakerIT.class);
  private static final List<String> WORKERS = List.of("w1", "w2", "w3");
  private static final String CIRCUIT_OPEN = "taskgrid.CircuitOpen";
  /** Opens after 4 failed calls on one worker and stays open longer than the test. */
  private static final HandlerOptions BREAKER = HandlerOptions.builder()
      .circuitBreaker(CircuitBreakerOptions.builder().slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
          .waitInOpenState(Duration.ofMinutes(2)).build())
      .build();

  private final TestCluster cluster = new TestCluster();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private List<ExecutionInfo> run(TaskgridClient client, int n) {
    List<TaskHandle> handles = client.submitAll(IntStream.range(0, n).mapToObj(i -> TaskRequest.builder("payments.charge").build()).toList());
    return handles.stream().map(h -> h.result().join()).toList();
  }

  private static boolean failedFast(ExecutionInfo e) {
    return e.status() == ExecutionStatus.FAILED && e.errorIfAny().map(err -> err.type().equals(CIRCUIT_OPEN)).orElse(false);
  }

  @Test
  void aBreakerOpeningOnOneWorkerStopsCallsOnTheOthers() {
    Coordinator coordinator = cluster.coordinator();
    List<String> coordinators = List.of(TestCluster.address(coordinator));
    for (String id : WORKERS) {
      calls.put(id, new AtomicInteger());
      cluster.worker(cluster.workerConfig(coordinators).withWorkerId(id), b -> b.handler("payments.charge", BREAKER, ctx -> {
        calls.get(id).incrementAndGet();
        throw new IllegalStateException("the payment provider is down");
      }));
    }
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(coordinators).build());

    // the downstream fails until one worker's breaker opens
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      run(client, 4);
      return client.listCircuitBreakers("payments.charge").stream().anyMatch(b -> b.state() == CircuitBreakerInfo.State.OPEN);
    });
    CircuitBreakerInfo opened = client.listCircuitBreakers().getFirst();
    log.info("Breaker opened on {} at {}", opened.workerId(), opened.since());

    // every worker follows: executions fail fast on all three
    Set<String> failingFast = ConcurrentHashMap.newKeySet();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
      run(client, 6).stream().filter(CircuitBreakerIT::failedFast).forEach(e -> failingFast.add(e.workerId()));
      return failingFast.containsAll(WORKERS);
    });
    log.info("All workers fail fast {} ms after the breaker opened", Duration.between(opened.since(), java.time.Instant.now()).toMillis());

    // and none calls the handler any more
    Map<String, Integer> before = snapshot();
    List<ExecutionInfo> later = run(client, 12);
    assertThat(later).allSatisfy(e -> {
      assertThat(e.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(e.errorIfAny()).hasValueSatisfying(err -> {
        assertThat(err.type()).isEqualTo(CIRCUIT_OPEN);
        assertThat(err.message()).contains("circuit breaker of payments.charge is OPEN");
      });
    });
    assertThat(snapshot()).isEqualTo(before);

    // the cluster's view, through the SDK
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.listCircuitBreakers()).singleElement().satisfies(b -> {
      assertThat(b.handler()).isEqualTo("payments.charge");
      assertThat(b.key()).isEmpty();
      assertThat(b.state()).isEqualTo(CircuitBreakerInfo.State.OPEN);
      assertThat(b.workerId()).isIn(WORKERS);
      assertThat(b.failureRate()).hasValue(100.0);
      assertThat(b.timesOpened()).isPositive();
      assertThat(b.notPermittedCalls()).isGreaterThanOrEqualTo(later.size());
    }));
  }

  private Map<String, Integer> snapshot() {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    calls.forEach((id, n) -> counts.put(id, n.get()));
    return Collections.unmodifiableMap(counts);
  }
}
