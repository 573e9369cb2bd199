package io.taskgrid.coordinator.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskgrid.core.SubmissionLimits;
import io.taskgrid.core.task.FireProgress;
import io.taskgrid.core.task.RegisteredTask;
import io.taskgrid.core.task.TaskDefinition;
import io.taskgrid.core.task.TaskDraft;
import io.taskgrid.core.task.TaskId;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The leader's decisions stepped by a fake clock in milliseconds, with the registry as two maps. */
class FirePlannerTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(60);
  private static final Duration AHEAD = Duration.ofMillis(200);

  private final Map<TaskId, RegisteredTask> tasks = new HashMap<>();
  private final Map<TaskId, FireProgress> progress = new HashMap<>();
  private Instant now = T0;
  /** The skipped fires handed over by the commits of {@link #tick()}. */
  private final List<FirePlanner.Misfire> recorded = new java.util.ArrayList<>();
  private FirePlanner planner;

  @BeforeEach
  void setUp() {
    planner = new FirePlanner(new FirePlanner.Registry() {
      @Override
      public Optional<RegisteredTask> task(TaskId id) {
        return Optional.ofNullable(tasks.get(id));
      }

      @Override
      public Optional<FireProgress> progress(TaskId id) {
        return Optional.ofNullable(progress.get(id));
      }
    }, ZoneOffset.UTC, GRACE, AHEAD);
  }

  private static TaskDefinition cron(String id, String expression, String misfirePolicy) {
    return new TaskDraft(id, null, null, "h", null, expression, null, null, null, null, null, null, null, null, misfirePolicy, null, null,
        null, null).validate(SubmissionLimits.DEFAULTS, ZoneOffset.UTC);
  }

  private static TaskDefinition at(String id, Instant time, String misfirePolicy) {
    return new TaskDraft(id, null, null, "h", null, null, null, time.toString(), null, null, null, null, null, null, misfirePolicy, null,
        null, null, null).validate(SubmissionLimits.DEFAULTS, ZoneOffset.UTC);
  }

  private RegisteredTask register(TaskDefinition d, Instant createdAt) {
    RegisteredTask t = RegisteredTask.create(d, createdAt);
    tasks.put(t.id(), t);
    return t;
  }

  private void advance(long millis) {
    now = now.plusMillis(millis);
  }

  /** Takes what is due now, commits it as fired (as the loop does after its transaction) and returns the fire times. */
  private List<Instant> tick() {
    List<FirePlanner.Due> due = planner.due(now);
    Map<TaskId, FireProgress> fired = new HashMap<>();
    for (FirePlanner.Due d : due) {
      RegisteredTask t = tasks.get(d.task());
      fired.put(d.task(), new FireProgress(t.createdAt(), d.fireTime(), FirePlanner.fireId(t, d.fireTime()), t.definition().isOneOff()));
    }
    recorded.addAll(planner.committed(fired, due));
    return due.stream().map(FirePlanner.Due::fireTime).toList();
  }

  @Test
  void aFireIsWrittenItsFireAheadEarlyAndTheNextOneIsQueuedAfterIt() {
    RegisteredTask t = register(cron("every-minute", "* * * * *", null), T0);
    assertThat(planner.plan(t.id(), now)).isTrue();

    advance(59_799);
    assertThat(tick()).isEmpty();
    advance(1);
    assertThat(tick()).containsExactly(T0.plusSeconds(60));
    advance(60_000);
    assertThat(tick()).containsExactly(T0.plusSeconds(120));
  }

  @Test
  void theLoopSleepsUntilTheNextFireEntersTheHorizonButAtMostASecond() {
    RegisteredTask t = register(cron("every-second", "* * * * * *", null), T0);
    planner.plan(t.id(), now);

    assertThat(planner.sleep(now)).isEqualTo(Duration.ofMillis(800));
    advance(700);
    assertThat(planner.sleep(now)).isEqualTo(Duration.ofMillis(100));
    advance(200);
    assertThat(planner.sleep(now)).isZero();
    assertThat(new FirePlanner((FirePlanner.Registry) null, ZoneOffset.UTC, GRACE, AHEAD).sleep(now)).isEqualTo(FirePlanner.MAX_SLEEP);

    RegisteredTask hourly = register(cron("hourly", "0 * * * *", null), T0);
    FirePlanner alone = new FirePlanner(new FirePlanner.Registry() {
      @Override
      public Optional<RegisteredTask> task(TaskId id) {
        return Optional.of(hourly);
      }

      @Override
      public Optional<FireProgress> progress(TaskId id) {
        return Optional.empty();
      }
    }, ZoneOffset.UTC, GRACE, AHEAD);
    alone.plan(hourly.id(), T0);
    assertThat(alone.sleep(T0)).isEqualTo(FirePlanner.MAX_SLEEP);
  }

  @Test
  void rePlanningATaskDropsItsEarlierQueuedFires() {
    RegisteredTask t = register(cron("every-minute", "* * * * *", null), T0);
    planner.plan(t.id(), now);
    planner.plan(t.id(), now);

    advance(60_000);
    assertThat(tick()).containsExactly(T0.plusSeconds(60));
  }

  @Test
  void aTaskNoLongerScheduledStopsFiring() {
    RegisteredTask t = register(cron("every-minute", "* * * * *", null), T0);
    planner.plan(t.id(), now);
    tasks.put(t.id(), t.pause(now.plusSeconds(1)));
    assertThat(planner.plan(t.id(), now.plusSeconds(1))).isFalse();

    advance(120_000);
    assertThat(tick()).isEmpty();
  }

  @Test
  void aNewLeaderContinuesAfterTheCommittedProgressAndRunsLateFiresWithinTheGrace() {
    RegisteredTask t = register(cron("every-ten-seconds", "*/10 * * * * *", "skip"), T0);
    progress.put(t.id(), new FireProgress(T0, T0.plusSeconds(10), "x", false));
    now = T0.plusSeconds(45);

    planner.plan(t.id(), now);

    assertThat(tick()).containsExactly(T0.plusSeconds(20), T0.plusSeconds(30), T0.plusSeconds(40));
    assertThat(planner.committed(Map.of(), List.of())).isEmpty();
  }

  @Test
  void firesMissedBeyondTheGraceAreSkippedOncePerFireAndRecordedAfterTheNextCommit() {
    RegisteredTask t = register(cron("every-minute", "* * * * *", "fire_once"), T0);
    progress.put(t.id(), new FireProgress(T0, T0.plusSeconds(60), "x", false));
    now = T0.plusSeconds(60 * 5 + 30);

    planner.plan(t.id(), now);
    assertThat(planner.hasDecisions()).isTrue();

    // 5:00 is on time; fire_once runs the latest missed one (4:00) and drops the older ones
    assertThat(tick()).containsExactly(T0.plusSeconds(240), T0.plusSeconds(300));
    assertThat(recorded).extracting(FirePlanner.Misfire::fireTime).containsExactly(T0.plusSeconds(120), T0.plusSeconds(180));
    assertThat(recorded).allMatch(m -> m.task().equals(t.id()) && !m.summary());
    advance(60_000);
    assertThat(tick()).containsExactly(T0.plusSeconds(360));
    assertThat(recorded).hasSize(2);
  }

  @Test
  void theSkippedFiresOfAPlanAreHandedOverOnceWithIdsFromTheTaskAndTheFireTime() {
    RegisteredTask t = register(cron("every-minute", "* * * * *", "skip"), T0);
    progress.put(t.id(), new FireProgress(T0, T0.plusSeconds(60), "x", false));
    now = T0.plusSeconds(60 * 5 + 30);

    planner.plan(t.id(), now);
    planner.plan(t.id(), now.plusMillis(5)); // a re-plan decides the same misfires under the same ids
    List<FirePlanner.Misfire> skipped = planner.committed(Map.of(), planner.due(now));

    assertThat(skipped).extracting(FirePlanner.Misfire::fireTime)
        .containsExactly(T0.plusSeconds(120), T0.plusSeconds(180), T0.plusSeconds(240));
    assertThat(skipped).extracting(FirePlanner.Misfire::executionId)
        .containsExactly(FirePlanner.misfireId(t, T0.plusSeconds(120)), FirePlanner.misfireId(t, T0.plusSeconds(180)),
            FirePlanner.misfireId(t, T0.plusSeconds(240)));
    assertThat(skipped).noneMatch(FirePlanner.Misfire::summary);
    assertThat(planner.committed(Map.of(), List.of())).isEmpty();
    assertThat(planner.hasDecisions()).isFalse();

    FirePlanner other = new FirePlanner(new FirePlanner.Registry() {
      @Override
      public Optional<RegisteredTask> task(TaskId id) {
        return Optional.ofNullable(tasks.get(id));
      }

      @Override
      public Optional<FireProgress> progress(TaskId id) {
        return Optional.ofNullable(progress.get(id));
      }
    }, ZoneOffset.UTC, GRACE, AHEAD);
    other.plan(t.id(), now.plusSeconds(20)); // a new leader after a failover
    assertThat(other.committed(Map.of(), List.of())).extracting(FirePlanner.Misfire::executionId)
        .containsExactlyElementsOf(skipped.stream().map(FirePlanner.Misfire::executionId).toList());
  }

  @Test
  void thousandsOfMissedFiresAreRecordedAsTheNewestHundredAndOneSummary() {
    RegisteredTask t = register(cron("every-second", "* * * * * *", "skip"), T0);
    progress.put(t.id(), new FireProgress(T0, T0.plusSeconds(1), "x", false));
    now = T0.plus(Duration.ofHours(1));

    planner.plan(t.id(), now);
    List<FirePlanner.Misfire> skipped = planner.committed(Map.of(), List.of());

    assertThat(skipped).hasSize(FirePlanner.MAX_RECORDED_SKIPS + 1);
    FirePlanner.Misfire summary = skipped.stream().filter(FirePlanner.Misfire::summary).findFirst().orElseThrow();
    Instant newestListed = now.minus(GRACE).minusSeconds(1);
    assertThat(summary.fireTime()).isEqualTo(newestListed.minusSeconds(FirePlanner.MAX_RECORDED_SKIPS));
    assertThat(summary.count()).isEqualTo(3600 - 60 - 1 - 1 - FirePlanner.MAX_RECORDED_SKIPS);
    assertThat(summary.exact()).isTrue();
    assertThat(summary.after()).isEqualTo(T0.plusSeconds(1));
    assertThat(summary.executionId()).isEqualTo(FirePlanner.misfireSummaryId(t, T0.plusSeconds(1)));
  }

  @Test
  void aOneOffWhoseTimeWasMissedEndsCompletedAndIsRecordedAsSkipped() {
    Instant time = T0.plusSeconds(10);
    RegisteredTask t = register(at("once", time, "skip"), T0);
    now = time.plus(Duration.ofMinutes(5));

    assertThat(planner.plan(t.id(), now)).isFalse();

    assertThat(planner.dropped()).containsEntry(t.id(), new FireProgress(T0, t.scheduleFrom(), "", true));
    assertThat(planner.hasDecisions()).isTrue();
    assertThat(planner.committed(Map.of(), List.of())).extracting(FirePlanner.Misfire::fireTime).containsExactly(time);
    assertThat(planner.dropped()).isEmpty();
  }

  @Test
  void aOneOffFiresOnceAndIsNotQueuedAgain() {
    Instant time = T0.plusSeconds(10);
    RegisteredTask t = register(at("once", time, null), T0);
    planner.plan(t.id(), now);

    advance(9_800);
    assertThat(tick()).containsExactly(time);
    advance(60_000);
    assertThat(tick()).isEmpty();
    assertThat(planner.plan(t.id(), now)).isFalse();
  }

  @Test
  void aTickWritesAtMostOneBatch() {
    for (int i = 0; i < FirePlanner.MAX_BATCH + 10; i++) {
      RegisteredTask t = register(cron("t" + i, "* * * * *", null), T0);
      planner.plan(t.id(), now);
    }
    advance(60_000);

    assertThat(planner.due(now)).hasSize(FirePlanner.MAX_BATCH);
    assertThat(planner.due(now)).hasSize(10);
  }
}
