package io.taskgrid.coordinator.internal.api;

import io.taskgrid.coordinator.internal.registry.RegistryView;
import io.taskgrid.coordinator.internal.stats.ScheduledFires;
import io.taskgrid.coordinator.internal.stats.StatsBook;
import io.taskgrid.coordinator.internal.stats.StatsBook.End;
import io.taskgrid.coordinator.internal.stats.StatsBook.Gauge;
import io.taskgrid.coordinator.internal.stats.StatsWindows;
import io.taskgrid.coordinator.internal.store.ExecutionStore;
import io.taskgrid.core.NameRule;
import io.taskgrid.core.task.RegisteredTask;
import io.taskgrid.core.task.TaskId;
import io.taskgrid.core.task.TaskState;
import io.taskgrid.proto.v1.GetStatsRequest;
import io.taskgrid.proto.v1.GetStatsResponse;
import io.taskgrid.proto.v1.StatsGroup;
import io.taskgrid.proto.v1.WindowStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * GetStats: the counters the status scripts keep ({@link io.taskgrid.core.keyspace.Keyspace.Stats}),
 * read in one pipelined batch of 85 hash reads whatever the history holds, plus the fires of the
 * registered tasks in the next hour, stepped from the registry in memory.
 *
 * <p>Filters: with {@code task_id}, the total is that task's group, {@code tasks} holds only it and
 * {@code handlers} is empty (a handler's counters are not split by task); an id with no
 * executions and no registration reads as zeros, not NOT_FOUND, since a deleted task's executions
 * still count for a day. With {@code handler}, the total is that handler's group, {@code handlers}
 * holds only it and {@code tasks} the registered tasks of that handler. With both, the task's
 * group when it is registered with that handler, else zeros.
 *
 * <p>Stepping every registered task's schedule costs microseconds per task and fire, seconds for a
 * million tasks: without a task filter the counts are reused for {@link #SCHEDULED_REUSE} (so
 * {@code scheduled_next_hour} may be that old, never older); with one, that task is counted anew.
 */
final class StatsApi {
  /** Most task groups in a reply (by id); the total still counts every task. */
  static final int MAX_TASK_GROUPS = 10_000;

  /** How long the fires counted for all tasks are reused. */
  static final Duration SCHEDULED_REUSE = Duration.ofSeconds(30);

  /** A registered task's handler and its fires in the next hour, as counted at some instant. */
  private record Scheduled(String task, String handler, long fires) {}

  private record ScheduledCount(Instant at, List<Scheduled> tasks) {}

  private final AtomicReference<ScheduledCount> lastCount = new AtomicReference<>();

  private final ExecutionStore store;
  private final RegistryView registry;
  private final ZoneId defaultZone;
  private final Clock clock;

  StatsApi(ExecutionStore store, RegistryView registry, ZoneId defaultZone, Clock clock) {
    this.store = store;
    this.registry = registry;
    this.defaultZone = defaultZone;
    this.clock = clock;
  }

  CompletionStage<GetStatsResponse> get(GetStatsRequest request) {
    String task;
    String handler;
    try {
      task = request.getTaskId().isEmpty() ? "" : TaskId.parse("task_id", request.getTaskId()).value();
      handler = request.getHandler().isEmpty() ? "" : NameRule.NAME.check("handler", request.getHandler());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Instant now = clock.instant();
    return store.statsCounters(StatsWindows.lastHour(now), StatsWindows.lastDay(now))
        .thenApply(c -> reply(StatsBook.of(c.live(), c.lastHour(), c.lastDay()), now, task, handler));
  }

  private GetStatsResponse reply(StatsBook book, Instant now, String task, String handler) {
    Map<String, String> handlerOf = new java.util.HashMap<>();
    for (Scheduled s : scheduled(task, now)) {
      handlerOf.put(s.task(), s.handler());
      book.task(s.task()).addScheduled(s.fires());
      book.handler(s.handler()).addScheduled(s.fires());
    }
    GetStatsResponse.Builder out = GetStatsResponse.newBuilder().setAsOf(ProtoMapping.toProto(now));
    if (!task.isEmpty()) {
      boolean matches = handler.isEmpty() || handler.equals(handlerOf.get(task));
      StatsBook.Group g = matches ? book.task(task) : new StatsBook.Group();
      out.setTotal(group(g, "", ""));
      if (matches) out.addTasks(group(g, task, ""));
    } else if (!handler.isEmpty()) {
      StatsBook.Group g = book.handler(handler);
      out.setTotal(group(g, "", ""));
      out.addHandlers(group(g, "", handler));
      book.tasks().forEach((id, tg) -> {
        if (handler.equals(handlerOf.get(id)) && out.getTasksCount() < MAX_TASK_GROUPS) out.addTasks(group(tg, id, ""));
      });
    } else {
      out.setTotal(group(book.total(), "", ""));
      book.handlers().forEach((name, g) -> out.addHandlers(group(g, "", name)));
      book.tasks().forEach((id, g) -> {
        if (out.getTasksCount() < MAX_TASK_GROUPS) out.addTasks(group(g, id, ""));
      });
    }
    return out.build();
  }

  /** The registered tasks (only {@code task} when set) with their fires in the next hour. */
  private List<Scheduled> scheduled(String task, Instant now) {
    if (!task.isEmpty()) return registry.task(new TaskId(task)).map(t -> count(t, now)).stream().toList();
    ScheduledCount last = lastCount.get();
    if (last != null && !now.isBefore(last.at()) && now.isBefore(last.at().plus(SCHEDULED_REUSE))) return last.tasks();
    List<Scheduled> all = new ArrayList<>(registry.size());
    for (RegisteredTask t : registry.tasks()) all.add(count(t, now));
    lastCount.set(new ScheduledCount(now, all));
    return all;
  }

  private Scheduled count(RegisteredTask t, Instant now) {
    return new Scheduled(t.id().value(), t.definition().handler().value(), scheduledFires(t, now, now.plus(Duration.ofHours(1))));
  }

  /** Fires of an active time-triggered task strictly after now and within the hour. */
  private long scheduledFires(RegisteredTask t, Instant now, Instant hourLater) {
    if (!t.isScheduled()) return 0;
    var progress = registry.progress(t.id());
    if (t.state(progress) != TaskState.ACTIVE) return 0;
    Instant through = t.firedThrough(progress);
    Instant from = through.isAfter(now) ? through : now;
    return t.schedule(defaultZone).map(s -> ScheduledFires.count(s, from, hourLater)).orElse(0L);
  }

  private static StatsGroup group(StatsBook.Group g, String task, String handler) {
    return StatsGroup.newBuilder()
        .setTaskId(task)
        .setHandler(handler)
        .setLastHour(window(g.lastHour()))
        .setLastDay(window(g.lastDay()))
        .setRunning(g.gauge(Gauge.RUNNING))
        .setPending(g.gauge(Gauge.PENDING))
        .setWaitingRetry(g.gauge(Gauge.WAITING_RETRY))
        .setWaitingQueue(g.gauge(Gauge.WAITING_QUEUE))
        .setWaitingRateLimit(g.gauge(Gauge.WAITING_RATE_LIMIT))
        .setScheduledNextHour(g.scheduledNextHour())
        .build();
  }

  private static WindowStats window(StatsBook.Window w) {
    WindowStats.Builder b = WindowStats.newBuilder()
        .setSucceeded(w.count(End.SUCCEEDED))
        .setFailed(w.count(End.FAILED))
        .setTimedOut(w.count(End.TIMEOUT))
        .setSkipped(w.count(End.SKIPPED))
        .setCancelled(w.count(End.CANCELLED))
        .setSuccessRate(w.successRate());
    w.runs().quantile(0.50).ifPresent(d -> b.setDurationP50(ProtoMapping.toProto(d)));
    w.runs().quantile(0.95).ifPresent(d -> b.setDurationP95(ProtoMapping.toProto(d)));
    w.runs().quantile(0.99).ifPresent(d -> b.setDurationP99(ProtoMapping.toProto(d)));
    return b.build();
  }
}
