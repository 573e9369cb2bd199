package io.taskgrid.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Duration;
import io.taskgrid.core.Outcome;
import io.taskgrid.proto.v1.TaskMessage;
import io.taskgrid.telemetry.Metrics;
import io.taskgrid.telemetry.WorkerMeters;
import io.taskgrid.worker.HandlerOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cancel requests reach the handler they name, whenever they arrive; without Kafka or Redis. */
class CancelListenerTest {
  /** The handler has no breaker: nothing is ever shared. */
  private static final io.taskgrid.core.breaker.SharedBreakers NO_SHARING = new io.taskgrid.core.breaker.SharedBreakers() {
    @Override
    public void publish(io.taskgrid.core.breaker.BreakerTransition transition) {}

    @Override
    public void addNotPermitted(Map<io.taskgrid.core.breaker.BreakerId, Long> counts) {}

    @Override
    public void touch(java.util.Collection<io.taskgrid.core.breaker.BreakerId> used) {}

    @Override
    public List<io.taskgrid.core.breaker.SharedBreaker> list() {
      return List.of();
    }

    @Override
    public Subscription subscribe(java.util.function.Consumer<io.taskgrid.core.breaker.BreakerTransition> listener) {
      return () -> {};
    }
  };
  private final CountDownLatch entered = new CountDownLatch(1);
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private final List<Run> finished = new CopyOnWriteArrayList<>();
  private final Map<String, Run> running = new ConcurrentHashMap<>();
  private final HandlerRunner runner = new HandlerRunner(new HandlerRegistry(Map.of("block", new HandlerRegistry.Registered(ctx -> {
    entered.countDown();
    try {
      Thread.sleep(60_000);
    } catch (InterruptedException e) {
      interrupted.set(true);
      throw e;
    }
    return "late";
  }, HandlerOptions.NONE))), "w-1", 4, 1024, Clock.systemUTC(), new ObjectMapper(), new WorkerMeters(Metrics.noop().meter()),
      finished::add, ExecutionTracing.off(), new io.taskgrid.worker.internal.breaker.Breakers(name -> HandlerOptions.NONE, NO_SHARING, "w-1",
      Clock.systemUTC(), new WorkerMeters(Metrics.noop().meter()), java.time.Duration.ofHours(1), 10_000));
  private final CancelListener cancels = new CancelListener(running::get, runner, Clock.systemUTC());

  @AfterEach
  void close() {
    runner.close();
  }

  private Run run(String id, Instant start) {
    TaskMessage m = TaskMessage.newBuilder().setExecutionId(id).setHandler("block").setTimeout(Duration.newBuilder().setSeconds(60)).build();
    Run r = new Run(new Delivery(new TopicPartition("t", 0), 0, m), 1, start, start.plusSeconds(60));
    runner.permits().acquireUninterruptibly();
    return r;
  }

  @Test
  void aRequestForARunningExecutionInterruptsItsHandlerAndEndsItCancelled() throws Exception {
    Run r = run("e-1", Instant.now());
    running.put("e-1", r);
    runner.start(r);
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    cancels.requested("e-1", "cancelled");

    assertThat(r.outcome()).isInstanceOfSatisfying(Outcome.Cancelled.class, c -> assertThat(c.reason()).isEqualTo("cancelled"));
    await().atMost(java.time.Duration.ofSeconds(10)).untilTrue(interrupted);
    assertThat(finished).containsExactly(r);
    assertThat(runner.running()).isZero();
    // its deadline's timer went with it: a worker does not hold every run it ran until its deadline
    assertThat(runner.pendingDeadlines()).isZero();
  }

  @Test
  void aRequestThatArrivesBeforeTheRunIsRegisteredCancelsItWhenItIs() {
    cancels.requested("e-2", "replaced");
    Run r = run("e-2", Instant.now());
    running.put("e-2", r);

    cancels.checkStarted(r);
    runner.start(r);

    assertThat(r.outcome()).isInstanceOfSatisfying(Outcome.Cancelled.class, c -> assertThat(c.reason()).isEqualTo("replaced"));
    assertThat(entered.getCount()).as("the handler never started").isEqualTo(1);
    assertThat(finished).containsExactly(r);
  }

  @Test
  void aRunWaitingForItsStartTimeIsCancelledWithoutCallingTheHandler() throws Exception {
    Run r = run("e-3", Instant.now().plusSeconds(30));
    running.put("e-3", r);
    runner.start(r);

    cancels.requested("e-3", "cancelled");

    Outcome o = r.outcome();
    assertThat(o).isInstanceOf(Outcome.Cancelled.class);
    assertThat(o.startedAt()).isBeforeOrEqualTo(o.finishedAt());
    assertThat(entered.getCount()).as("the handler never started").isEqualTo(1);
  }

  @Test
  void aRequestForAnExecutionThatAlreadyEndedChangesNothing() throws Exception {
    Run r = run("e-4", Instant.now());
    running.put("e-4", r);
    r.finish(new Outcome.Succeeded(r.startedAt(), Instant.now(), io.taskgrid.core.Payload.EMPTY));

    cancels.requested("e-4", "cancelled");

    assertThat(r.outcome()).isInstanceOf(Outcome.Succeeded.class);
  }
}
