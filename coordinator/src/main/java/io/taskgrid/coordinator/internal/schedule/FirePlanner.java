package io.taskgrid.coordinator.internal.schedule;

import io.taskgrid.core.ExecutionId;
import io.taskgrid.core.schedule.FirePlan;
import io.taskgrid.core.schedule.Jitter;
import io.taskgrid.core.schedule.Misfires;
import io.taskgrid.core.schedule.Schedule;
import io.taskgrid.core.task.FireProgress;
import io.taskgrid.core.task.RegisteredTask;
import io.taskgrid.core.task.TaskId;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling leader's decisions for one term, without Kafka, Redis or a clock of its own:
 * which fires each task has queued (misfire policy applied), which are due in a tick (written
 * {@code fireAhead} early), how long the loop may sleep, which one-off tasks end without running,
 * which missed fires are recorded as skipped, and what comes after a committed fire. {@link
 * ScheduleLoop} moves these decisions to and from Kafka and Redis; tests step this with a fake
 * clock.
 *
 * <p>Not thread safe: the loop's thread owns it.
 */
final class FirePlanner {
  private static final Logger log = LoggerFactory.getLogger(FirePlanner.class);
  /** Most fires written in one transaction. */
  static final int MAX_BATCH = 500;
  /** Most missed fires one task catches up at once (the newest). */
  static final int MAX_CATCH_UP_FIRES = 1000;
  /** Longest sleep, so leadership and shutdown are checked at least this often. */
  static final Duration MAX_SLEEP = Duration.ofSeconds(1);
  /** Skipped fires of one task recorded one by one as SKIPPED executions, the newest ones. */
  static final int MAX_RECORDED_SKIPS = 100;
  /** Older skipped fires counted into one summary execution; counting stops here. */
  static final int MAX_COUNTED_SKIPS = 10_000;

  /** Where the planner reads tasks and their committed fire progress (the registry view). */
  interface Registry {
    Optional<RegisteredTask> task(TaskId id);

    Optional<FireProgress> progress(TaskId id);
  }

  /**
   * A queued fire: written once {@code dueAt} (the fire time plus jitter) is within the fire-ahead
   * horizon. {@code last} is the last one queued for its task, after which the next is computed.
   */
  record Due(Instant dueAt, Instant fireTime, TaskId task, long generation, boolean last) {}

  /**
   * A fire the misfire policy dropped, to record as a SKIPPED execution once the next transaction
   * commits (a leader whose commit fails records nothing). With {@code summary}, it stands for {@code count} fires
   * after {@code after}, the newest at {@code fireTime}; {@code exact} is false when counting
   * stopped at {@value #MAX_COUNTED_SKIPS}.
   */
  record Misfire(String executionId, TaskId task, Instant fireTime, boolean summary, long count, boolean exact, Instant after) {}

  private final Registry registry;
  private final ZoneId defaultZone;
  private final Duration misfireGrace;
  private final Duration fireAhead;

  private final PriorityQueue<Due> queue = new PriorityQueue<>((a, b) -> {
    int c = a.dueAt().compareTo(b.dueAt());
    return c != 0 ? c : a.task().compareTo(b.task());
  });
  /** The generation of each task's queued fires: re-planning a task makes its older entries stale. */
  private final Map<TaskId, Long> generations = new HashMap<>();
  private final Map<TaskId, FireProgress> firedThisTerm = new HashMap<>();
  /** One-off tasks whose only fire was dropped by their misfire policy: written as completed. */
  private final Map<TaskId, FireProgress> dropped = new HashMap<>();
  /** Fires dropped by misfire policies, recorded after the next commit; by execution id. */
  private final Map<String, Misfire> misfired = new LinkedHashMap<>();

  FirePlanner(Registry registry, ZoneId defaultZone, Duration misfireGrace, Duration fireAhead) {
    this.registry = registry;
    this.defaultZone = defaultZone;
    this.misfireGrace = misfireGrace;
    this.fireAhead = fireAhead;
  }

  /** Forgets the previous term: a new leader plans from committed progress only. */
  void reset() {
    queue.clear();
    generations.clear();
    firedThisTerm.clear();
    dropped.clear();
    misfired.clear();
  }

  /** How many fires are queued (stale ones included). */
  int queued() {
    return queue.size();
  }

  /** Recomputes a task's queued fires as of {@code now}. Returns whether it is scheduled. */
  boolean plan(TaskId id, Instant now) {
    long generation = generations.getOrDefault(id, 0L) + 1;
    Optional<RegisteredTask> found = registry.task(id);
    if (found.isEmpty() || !found.get().isScheduled()) {
      generations.remove(id);
      return false;
    }
    RegisteredTask task = found.get();
    Optional<Schedule> schedule;
    try {
      schedule = task.schedule(defaultZone);
    } catch (RuntimeException e) {
      log.error("Task {} has a schedule that cannot be computed; it will not fire: {}", id, e.getMessage());
      generations.remove(id);
      return false;
    }
    if (schedule.isEmpty()) {
      generations.remove(id);
      return false;
    }
    generations.put(id, generation);
    Optional<FireProgress> progress = latestProgress(task);
    if (task.definition().isOneOff() && progress.filter(FireProgress::completed).isPresent()) return false;
    Instant from = task.firedThrough(progress);
    FirePlan p = Misfires.plan(schedule.get(), from, now, misfireGrace, task.definition().misfirePolicy(), MAX_CATCH_UP_FIRES,
        MAX_RECORDED_SKIPS, MAX_COUNTED_SKIPS);
    FirePlan.Skipped skipped = p.skipped();
    for (Instant fire : skipped.listed()) {
      String executionId = misfireId(task, fire);
      misfired.put(executionId, new Misfire(executionId, id, fire, false, 1, true, from));
    }
    skipped.unlistedNewest().ifPresent(newest -> {
      String executionId = misfireSummaryId(task, from);
      misfired.put(executionId, new Misfire(executionId, id, newest, true, skipped.unlisted(), skipped.unlistedExact(), from));
    });
    if (!skipped.isEmpty()) {
      log.info("Task {}: {}{} missed fires after {} skipped by its misfire policy", id, skipped.listed().size() + skipped.unlisted(),
          skipped.unlistedExact() ? "" : "+", from);
    }
    if (task.definition().isOneOff() && p.due().isEmpty() && p.next().isEmpty()) {
      dropped.put(id, new FireProgress(task.createdAt(), from, "", true));
      return false;
    }
    for (int i = 0; i < p.due().size(); i++) {
      boolean last = p.next().isEmpty() && i == p.due().size() - 1;
      enqueue(task, p.due().get(i), generation, last);
    }
    p.next().ifPresent(n -> enqueue(task, n, generation, true));
    return true;
  }

  /**
   * Takes the fires to write now: those due within {@code fireAhead} of {@code now}, oldest first,
   * at most {@value #MAX_BATCH}; fires of an older plan of their task are dropped.
   */
  List<Due> due(Instant now) {
    Instant horizon = now.plus(fireAhead);
    List<Due> due = new ArrayList<>();
    while (!queue.isEmpty() && !queue.peek().dueAt().isAfter(horizon) && due.size() < MAX_BATCH) {
      Due d = queue.poll();
      if (generations.getOrDefault(d.task(), -1L) == d.generation()) due.add(d);
    }
    return due;
  }

  /** How long the loop may wait for events at {@code now} before the next fire is due to be written. */
  Duration sleep(Instant now) {
    if (queue.isEmpty()) return MAX_SLEEP;
    Duration wait = Duration.between(now.plus(fireAhead), queue.peek().dueAt());
    if (wait.isNegative()) return Duration.ZERO;
    return wait.compareTo(MAX_SLEEP) > 0 ? MAX_SLEEP : wait;
  }

  /** Whether decisions wait for a transaction although no fire is due: dropped one-offs or skipped fires. */
  boolean hasDecisions() {
    return !dropped.isEmpty() || !misfired.isEmpty();
  }

  /** One-off tasks that end without running: their completed progress goes in the next transaction. */
  Map<TaskId, FireProgress> dropped() {
    return Map.copyOf(dropped);
  }

  /**
   * A transaction committed {@code fired} and {@code progress}: remembers the progress (the view
   * may not have read it back yet), queues the next fire after each task's last queued one, and
   * hands over the skipped fires to record, now that this leader was not fenced.
   */
  List<Misfire> committed(Map<TaskId, FireProgress> progress, Collection<Due> fired) {
    firedThisTerm.putAll(progress);
    dropped.clear();
    for (Due d : fired) {
      if (!d.last()) continue;
      RegisteredTask task = registry.task(d.task()).orElse(null);
      if (task == null) continue;
      task.schedule(defaultZone).flatMap(s -> s.next(d.fireTime())).ifPresent(n -> enqueue(task, n, d.generation(), true));
    }
    List<Misfire> record = List.copyOf(misfired.values());
    misfired.clear();
    return record;
  }

  /** The execution id of a fire: derived from the task and the fire time, so every leader writes the same. */
  static String fireId(RegisteredTask task, Instant fire) {
    return ExecutionId.derived(fire, "fire", task.id().value(), task.createdAt().toString(), fire.toString()).value();
  }

  /** The id of a skipped fire: like a fire's, from the task and the fire time, so every leader derives the same. */
  static String misfireId(RegisteredTask task, Instant fire) {
    return ExecutionId.derived(fire, "misfire", task.id().value(), task.createdAt().toString(), fire.toString()).value();
  }

  /** The id of the summary of the skipped fires after {@code after}, one per outage. */
  static String misfireSummaryId(RegisteredTask task, Instant after) {
    return ExecutionId.derived(after, "misfire-summary", task.id().value(), task.createdAt().toString(), after.toString()).value();
  }

  private void enqueue(RegisteredTask task, Instant fire, long generation, boolean last) {
    Instant dueAt = fire.plus(Jitter.offset(task.id().value(), fire, task.definition().jitter()));
    queue.add(new Due(dueAt, fire, task.id(), generation, last));
  }

  private Optional<FireProgress> latestProgress(RegisteredTask task) {
    Optional<FireProgress> stored = registry.progress(task.id()).filter(p -> p.belongsTo(task));
    Optional<FireProgress> mine = Optional.ofNullable(firedThisTerm.get(task.id())).filter(p -> p.belongsTo(task));
    if (mine.isEmpty()) return stored;
    if (stored.isEmpty()) return mine;
    return stored.get().lastFireTime().isAfter(mine.get().lastFireTime()) ? stored : mine;
  }
}
