package io.taskgrid.coordinator.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskgrid.coordinator.internal.registry.InMemoryRegistryLog;
import io.taskgrid.coordinator.internal.registry.RegistryView;
import io.taskgrid.coordinator.internal.registry.TaskLocks;
import io.taskgrid.coordinator.internal.registry.TaskRegistry;
import io.taskgrid.coordinator.internal.stats.StatsWindows;
import io.taskgrid.coordinator.internal.store.ExecutionStore;
import io.taskgrid.coordinator.internal.store.ExecutionStore.StatsCounters;
import io.taskgrid.core.InvalidArgumentException;
import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.task.TaskDefinition;
import io.taskgrid.core.task.TaskDraft;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.core.task.Trigger;
import io.taskgrid.core.schedule.Schedules;
import io.taskgrid.proto.v1.GetStatsRequest;
import io.taskgrid.proto.v1.GetStatsResponse;
import io.taskgrid.proto.v1.StatsGroup;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** GetStats' filters and groups over fixed counters, a registry in memory and a fixed clock. */
class StatsApiTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00.250Z");

  private final RegistryView view = new RegistryView();
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final TaskRegistry registry = new TaskRegistry(new InMemoryRegistryLog(view, ZoneOffset.UTC), view, new TaskLocks() {
    @Override
    public <T> T withLock(TaskId id, java.util.function.Supplier<T> change) {
      return change.get();
    }
  }, clock);
  private final AtomicReference<List<Long>> askedMinutes = new AtomicReference<>();
  /** A store that only answers the counters read (the only call GetStats makes). */
  private final ExecutionStore store = (ExecutionStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {ExecutionStore.class}, (proxy, method, args) -> {
        if (!method.getName().equals("statsCounters")) throw new UnsupportedOperationException(method.getName());
        @SuppressWarnings("unchecked")
        List<Long> minutes = (List<Long>) args[0];
        askedMinutes.set(minutes);
        return CompletableFuture.completedFuture(new StatsCounters(
            Map.of("h:email|R", 2L, "t:digest|R", 1L, "h:report|W", 1L),
            Map.of("h:email|S|10", 3L, "h:email|F|10", 1L, "t:digest|S|10", 2L, "h:report|K|", 4L, "t:gone|C|", 1L),
            Map.of("h:email|S|10", 30L, "t:digest|S|10", 20L)));
      });
  private final StatsApi api = new StatsApi(store, view, ZoneOffset.UTC, clock);

  private static TaskDefinition cron(String id, String handler, String expression) {
    return TaskDraft.of(id, handler).validate(SubmissionLimits.DEFAULTS, ZoneOffset.UTC)
        .withTrigger(new Trigger.Cron(expression, Schedules.parse("cron", expression, ZoneOffset.UTC, Instant.EPOCH)));
  }

  private GetStatsResponse stats(String task, String handler) {
    return api.get(GetStatsRequest.newBuilder().setTaskId(task).setHandler(handler).build()).toCompletableFuture().join();
  }

  @Test
  void theTotalSumsTheHandlersAndEveryRegisteredOrCountedTaskHasAGroup() {
    registry.create(cron("digest", "email", "*/15 * * * *"));
    registry.create(cron("every-second", "report", "* * * * * *"));
    registry.create(TaskDraft.of("on-demand", "email").validate(SubmissionLimits.DEFAULTS, ZoneOffset.UTC));

    GetStatsResponse r = stats("", "");

    assertThat(askedMinutes.get()).isEqualTo(StatsWindows.lastHour(NOW));
    assertThat(r.getTotal().getRunning()).isEqualTo(2);
    assertThat(r.getTotal().getWaitingRetry()).isEqualTo(1);
    assertThat(r.getTotal().getLastHour().getSucceeded()).isEqualTo(3);
    assertThat(r.getTotal().getLastHour().getSkipped()).isEqualTo(4);
    assertThat(r.getTotal().getLastHour().getSuccessRate()).isEqualTo(0.75);
    assertThat(r.getTotal().getLastDay().getSucceeded()).isEqualTo(30);
    // after 10:00:00.250 up to 11:00:00.250: 4 quarter hours and 3600 whole seconds (10:00:01 to 11:00:00)
    assertThat(r.getTotal().getScheduledNextHour()).isEqualTo(4 + 3600);
    assertThat(r.getHandlersList()).extracting(StatsGroup::getHandler).containsExactly("email", "report");
    assertThat(r.getHandlers(1).getScheduledNextHour()).isEqualTo(3600);
    assertThat(r.getTasksList()).extracting(StatsGroup::getTaskId).containsExactly("digest", "every-second", "gone", "on-demand");
    assertThat(r.getTasks(0).getLastHour().getSucceeded()).isEqualTo(2);
    assertThat(r.getTasks(0).getScheduledNextHour()).isEqualTo(4);
    assertThat(r.getTasks(2).getLastHour().getCancelled()).isEqualTo(1);
    assertThat(r.getTasks(3).getScheduledNextHour()).isZero();
    assertThat(r.getAsOf().getSeconds()).isEqualTo(NOW.getEpochSecond());
  }

  @Test
  void aPausedTaskHasNothingScheduled() {
    registry.create(cron("digest", "email", "*/15 * * * *"));
    registry.pause(new TaskId("digest"));
    assertThat(stats("digest", "").getTotal().getScheduledNextHour()).isZero();
  }

  @Test
  void aTaskFilterGivesThatTaskAloneAndNoHandlers() {
    registry.create(cron("digest", "email", "*/15 * * * *"));
    GetStatsResponse r = stats("digest", "");
    assertThat(r.getTotal().getRunning()).isEqualTo(1);
    assertThat(r.getTotal().getLastHour().getSucceeded()).isEqualTo(2);
    assertThat(r.getTotal().getScheduledNextHour()).isEqualTo(4);
    assertThat(r.getHandlersList()).isEmpty();
    assertThat(r.getTasksList()).extracting(StatsGroup::getTaskId).containsExactly("digest");

    assertThat(stats("digest", "email").getTotal().getLastHour().getSucceeded()).isEqualTo(2);
    assertThat(stats("digest", "report").getTotal().getLastHour().getSucceeded()).isZero();
    assertThat(stats("digest", "report").getTasksList()).isEmpty();
  }

  @Test
  void anUnknownTaskReadsAsZeros() {
    GetStatsResponse r = stats("never-seen", "");
    assertThat(r.getTotal().getLastDay().getSucceeded()).isZero();
    assertThat(r.getTotal().getRunning()).isZero();
    assertThat(r.getTotal().getLastHour().getSuccessRate()).isEqualTo(1.0);
    assertThat(r.getTotal().getLastHour().hasDurationP50()).isFalse();
  }

  @Test
  void aHandlerFilterGivesThatHandlerAndItsRegisteredTasks() {
    registry.create(cron("digest", "email", "*/15 * * * *"));
    registry.create(cron("every-second", "report", "* * * * * *"));
    GetStatsResponse r = stats("", "email");
    assertThat(r.getTotal().getRunning()).isEqualTo(2);
    assertThat(r.getTotal().getLastHour().hasDurationP50()).isTrue();
    assertThat(r.getHandlersList()).extracting(StatsGroup::getHandler).containsExactly("email");
    assertThat(r.getTasksList()).extracting(StatsGroup::getTaskId).containsExactly("digest");
  }

  @Test
  void malformedFiltersAreRefusedNamingTheField() {
    assertThatThrownBy(() -> stats("bad id", "")).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(InvalidArgumentException.class).hasMessageContaining("task_id");
    assertThatThrownBy(() -> stats("", "-nope")).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(InvalidArgumentException.class).hasMessageContaining("handler");
  }
}
